"""汇报材料: the meeting pack (Word, Excel, PNG/SVG pictures, PowerPoint) in one step, with progress."""
import streamlit as st

from views._ui import denied, engine, export_data, filters, header, md, principal
from rural import access, periods
from rural.briefing import build_pack
from rural.indicators import Scope

f = filters()
who = principal()
header("汇报材料")
st.markdown(f"按左侧所选时点和范围生成领导小组会议的汇报材料：**{md(f.place)}**，数据截至**{periods.label(f.as_of)}**"
            + (f"，与**{periods.label(f.compare)}**对比。" if f.compare else "。"))
st.caption("汇报材料的句子按指标逐条生成，措辞模板由管理员在参考数据中维护；数字全部来自看板同一套指标计算。")

key = ("pack", f.version, f.as_of, f.township, f.compare, who.key)
if st.button("生成汇报材料", type="primary", key="make_pack"):
    bar = st.progress(0.0, text="准备中……")
    try:
        access.require(who, "export")
        pack = build_pack(engine(), Scope(f.as_of, f.township, f.county), f.compare,
                          lambda text, frac: bar.progress(min(frac, 1.0), text=text), principal=who)
    except access.Denied as exc:
        denied(exc)
    bar.empty()
    st.session_state["pack"] = (key, pack)

stored = st.session_state.get("pack")
if stored and stored[0] == key:
    pack = stored[1]
    made = pack.briefing.scope     # the scope the pack was made for (a township official's: their township)
    stem = f"{made.county}{made.township or ''}汇报材料_{made.as_of}"
    st.success(f"已生成：{md(pack.briefing.title)}")
    c = st.columns(4)
    # each file's download is an export in the audit log (written when it is asked for)
    for col, (label, content, name, mime, k) in zip(c, (
            ("下载 Word 汇报材料", pack.docx, f"{stem}.docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "dl_docx"),
            ("下载 Excel 数据表", pack.xlsx, f"{stem}.xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "dl_xlsx"),
            ("下载幻灯片（PPTX）", pack.pptx, f"{stem}.pptx",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation", "dl_pptx"),
            ("下载图片（PNG 和 SVG）", pack.pictures_zip, f"{stem}_图片.zip", "application/zip", "dl_zip"))):
        col.download_button(label, export_data(lambda content=content: content, name), name, mime, key=k)
    st.subheader("预览")
    # The title, headings and sentences quote township, item and category names from the files: text only.
    st.markdown(f"#### {md(pack.briefing.title)}\n{md(pack.briefing.as_of_line)}")
    for s in pack.briefing.sections:
        st.markdown(f"**{md(s.heading)}**")
        st.markdown(md("".join(s.sentences)))
elif stored:
    st.info("筛选条件或数据已变化，请重新生成。")
