"""数据管理: upload department workbooks, check them, load on confirm; history with undo / redo;
original files for download; blank templates; where each figure comes from."""
import re

import streamlit as st

from etl import service
from views._ui import engine, table
from rural import periods
from rural.db import data_version
from rural.settings import get_settings

st.title("数据管理")
f = st.session_state.get("filters")
settings = get_settings()


def plain(text: str) -> str:
    """A file or sheet name shown as text, never as markdown or HTML."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~])", r"\\\1", str(text))


tab_up, tab_hist, tab_tpl, tab_src = st.tabs(["上传报表", "载入历史", "空白模板", "数据来源"])

with tab_up:
    st.caption(f"可上传：{service.accepted_types()}（Excel 工作簿或 UTF-8/GBK 编码的 CSV），每个文件不超过{settings.max_upload_mb}MB。"
               "上传后先检查、预览，确认后才载入；载入的每个文件都可在“载入历史”中撤销。")
    uploads = st.file_uploader("选择部门报表（可多选）", type=["xlsx", "xls", "csv"], accept_multiple_files=True, key="uploads")
    version = data_version(engine())
    for i, up in enumerate(uploads or []):
        data = up.getvalue()
        with st.container(border=True):
            st.markdown(f"**{plain(up.name)}**　{len(data) / 1024:,.1f} KB")
            c1, c2 = st.columns(2)
            kinds = ["", *service.KIND_LABEL]
            kind = c1.selectbox("数据类型", kinds, key=f"kind-{i}-{up.file_id}",
                                format_func=lambda k: service.KIND_LABEL.get(k, "自动识别"))
            period = c2.text_input("统计期（留空则从标题或文件名识别，如 2023-04、2022、2023H1）", key=f"period-{i}-{up.file_id}",
                                   max_chars=20).strip()
            cache_key = ("check", up.file_id, kind, period, version)
            if st.session_state.get(f"check-{i}", (None,))[0] != cache_key:
                with st.spinner("正在检查……"):
                    st.session_state[f"check-{i}"] = (cache_key, service.inspect_upload(engine(), up.name, data, kind, period))
            check = st.session_state[f"check-{i}"][1]
            if check.already_loaded:
                st.info(f"与已载入的批次 #{'、#'.join(map(str, check.already_loaded))} 完全相同，再次载入不会有任何改动。")
            for sc in check.sheets:
                st.markdown(f"工作表“{plain(sc.sheet)}”：**{sc.label}**，统计期 **{periods.label(sc.period)}**，范围 **{sc.scope}**，"
                            f"读入 {sc.rows_read:,} 行，可载入 {sc.rows:,} 条" + (f"；跳过 {len(sc.skipped)} 行（{'；'.join(sc.skipped[:5])}）"
                                                                           if sc.skipped else ""))
                st.dataframe(sc.preview, hide_index=True, width="stretch", height=220)
            if check.skipped_sheets:
                st.caption("未识别为数据表、已跳过的工作表：" + "、".join(plain(s) for s in check.skipped_sheets))
            if check.errors:
                st.error(f"发现{len(check.errors)}处错误，此文件不能载入。请修改后重新上传：\n\n"
                         + "\n\n".join(plain(p.text()) for p in check.errors[:5]))
                st.dataframe(check.report(), hide_index=True, width="stretch")
                continue
            ticked = True
            if check.warnings:
                st.warning(f"有{len(check.warnings)}处提醒，请核对：\n\n" + "\n\n".join(plain(p.text()) for p in check.warnings[:5]))
                st.dataframe(check.report(), hide_index=True, width="stretch")
                ticked = st.checkbox("我已核对以上提醒，仍要载入", key=f"ack-{i}-{up.file_id}")
            if st.button("确认载入", key=f"load-{i}-{up.file_id}", type="primary", disabled=not ticked or bool(check.already_loaded)):
                bar = st.progress(0.0, text="正在载入……")
                result = service.commit_upload(engine(), up.name, data, kind, period,
                                               lambda label, done, total: bar.progress(done / total, text=f"正在写入 {done:,}/{total:,} 行"))
                bar.empty()
                if result.status == "loaded":
                    st.success("已载入：" + result.message + "。各页面的数字已随之更新。")
                elif result.status == "unchanged":
                    st.info(result.message)
                else:
                    st.error("载入失败：")
                    st.dataframe(service.UploadCheck(up.name, len(data), "", errors=result.problems).report(), hide_index=True)

with tab_hist:
    hist = service.history_display(engine())
    if hist.empty:
        st.info("还没有载入任何数据。")
    else:
        table(hist.drop(columns=["SHA-256"]), height=360, key="history")
        c1, c2, c3 = st.columns(3)
        active = hist[hist["状态"] == "有效"]["批次"].tolist()
        undone = hist[hist["状态"] == "已撤销"]["批次"].tolist()
        label = dict(zip(hist["批次"], hist["文件"] + " / " + hist["工作表"]))
        with c1:
            pick = st.selectbox("撤销批次", active, format_func=lambda b: f"#{b} {label[b]}", key="undo_pick")
            if st.button("撤销", key="undo", disabled=pick is None):
                st.success(service.undo(engine(), int(pick)))
                st.rerun()
        with c2:
            pick = st.selectbox("恢复已撤销的批次", undone, format_func=lambda b: f"#{b} {label[b]}", key="redo_pick")
            if st.button("恢复", key="redo", disabled=pick is None):
                st.success(service.redo(engine(), int(pick)))
                st.rerun()
        with c3:
            pick = st.selectbox("下载原始文件", hist["批次"].tolist(), format_func=lambda b: f"#{b} {label[b]}", key="orig_pick")
            row = hist.set_index("批次").loc[pick]
            original = service.archived(row["SHA-256"])
            if original is None:
                st.caption("该文件是用命令行载入的，没有存档原件。")
            else:
                st.download_button("下载原始文件", original, row["文件"], key="orig_dl", on_click="ignore")

with tab_tpl:
    st.caption("各类报表的空白模板：表头、单位和“填报说明”工作表。按模板填写的文件可直接上传载入。")
    county = (f.county if f else None) or (settings.counties() or ["某县"])[0]
    cols = st.columns(3)
    for k, (kind, spec) in enumerate(service.TEMPLATE_KINDS.items()):
        cols[k % 3].download_button(f"{spec.label}模板", service.template_xlsx(kind, county), f"{spec.label}模板.xlsx",
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"tpl-{kind}",
                                    on_click="ignore")

with tab_src:
    if f is None:
        st.info("还没有数据。")
    else:
        st.caption(f"截至{periods.label(f.as_of)}，各项数字来自以下文件（有效批次）：")
        src = service.provenance(engine(), f.as_of)
        st.dataframe(src, hide_index=True, width="stretch")
