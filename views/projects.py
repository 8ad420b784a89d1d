"""项目: industrial investment shares for the library and the integrated-funds plan; by township; search."""
import streamlit as st

from views._ui import chart, empty, figures, filters, fmt_int, fmt_pct, header, q, table
from rural import charts, tables
from rural.numbers import fmt_wan

f = filters()
header("资产创收 · 项目库")
shares = q("project_shares")
if not shares.get("library"):
    empty("项目库")
    st.stop()
for key, name in (("library", "巩固拓展脱贫攻坚成果和乡村振兴项目库"), ("integrated", "财政涉农资金统筹整合规划")):
    s = shares[key]
    st.markdown(f"**{name}**")
    figures([("项目", f"{fmt_int(s['count'])}个"), ("总投资", fmt_wan(s["investment_wan"])),
             ("产业类项目", f"{fmt_int(s['industrial_count'])}个"), ("产业类投资", fmt_wan(s["industrial_investment_wan"])),
             ("产业类投资占比", fmt_pct(s["industrial_share_pct"]), f"按投资额；按项目个数为{fmt_pct(s['industrial_count_share_pct'])}")],
            per_row=5)

share_rows = tables.share_rows(shares)
chart(charts.project_shares(shares, f.as_of), share_rows, "shares", "产业类项目占比")
tab_lib, tab_int = st.tabs(["项目库投资按类别", "统筹整合资金按类别"])
with tab_lib:
    cat = q("projects_by_category")
    chart(charts.projects_by_category(cat, "项目库投资按类别", f.as_of), cat, "cat", "项目库投资按类别")
with tab_int:
    cat_i = q("projects_by_category", integrated_only=True)
    chart(charts.projects_by_category(cat_i, "统筹整合资金按类别", f.as_of), cat_i, "cat_i", "统筹整合资金按类别")
if not f.township:
    st.subheader("各乡镇项目")
    table(q("projects_by_township"))
st.subheader("项目查询")
text = st.text_input("按项目名称、建设内容或乡镇搜索", key="project_search", max_chars=50)
found = q("project_list", text=text.strip())
st.caption(f"共{len(found):,}个项目")
table(found, height=420)
