"""数据管理: upload department workbooks, check them, load on confirm; a clerk's column mapping for a
layout the loader cannot place; history with undo / redo; originals; templates; saved mappings; sources.

Layout only: everything comes from ``etl.service``, which checks what the signed-in principal may do (the
page only leaves out what they may not). File names, sheet names, headers and cell values are shown as text
(``st.text``, tables), never as Markdown or HTML.
"""
import re

import streamlit as st

from etl import service
from etl.errors import LoadError, Problem
from rural import access, catalogue, periods
from rural.db import data_version
from rural.settings import get_settings
from rural.labels import effect_table
from views._ui import engine, principal, table

st.title("数据管理")
f = st.session_state.get("filters")
who = principal()


@st.cache_resource(show_spinner=False)
def _reader_ready() -> bool:
    """Start the sandboxed reader's fork server once per server process (the first upload is then quicker)."""
    from etl.sandbox import warm_up

    warm_up()
    return True


_reader_ready()
settings = get_settings()
NONE = "（无）"


def plain(text: str) -> str:
    """Data text (file names, headers, values) inside a message: every Markdown character escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", str(text))


def problems_text(problems, limit: int = 5) -> str:
    lines = [plain(p.text()) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"……另有{len(problems) - limit}处，见下表")
    return "\n\n".join(lines)


def failed(exc: Exception) -> None:
    """Any error as a Chinese message, never a traceback."""
    if isinstance(exc, access.Denied):
        st.error(plain(exc.text))
    elif isinstance(exc, LoadError):
        st.error(f"发现{len(exc.problems)}处问题：\n\n" + problems_text(exc.problems))
        st.dataframe(service.UploadCheck("", 0, "", errors=exc.problems).report(), hide_index=True, width="stretch")
    else:
        st.error(f"出错了（{type(exc).__name__}），数据库未作改动。请重试；如仍出错，请联系管理员。")


def accounting(sc) -> str:
    r = sc.report
    parts = [f"读入{r.get('read', sc.rows_read):,}行", f"载入{r.get('loaded', 0):,}行"]
    for key, word in (("totals", "合计行"), ("subtotals", "小计行"), ("parts", "“其中”行"), ("notes", "注释行"), ("footers", "落款行"),
                      ("sections", "分组标题行")):
        if r.get(key):
            parts.append(f"{word}{r[key]}")
    for reason, n in (r.get("excluded") or {}).items():
        parts.append(f"排除{n:,}行（{reason}）")
    return "，".join(parts) + f"；得到{sc.rows:,}条记录"


def show_sheet(sc) -> None:
    st.text(f"工作表“{sc.sheet}”：{sc.label}，{periods.kind_label(sc.kind, sc.period)}，范围：{sc.scope}")
    st.text(accounting(sc))
    if sc.replaces:
        for b in sc.replaces:
            st.warning(f"载入后将替代批次 #{b['batch']}（{plain(b['file'])}，{b['loaded_at']} 载入，{b['rows']:,}行），"
                       "被替代的批次保留在载入历史中，可撤销恢复。")
    unused, personal = sc.report.get("unused", []), sc.report.get("personal", [])
    if unused or personal or sc.report.get("comparison"):
        with st.expander(f"未使用的列{len(unused)}个，个人信息列{len(personal)}个（均不读取、不保存）"):
            if unused:
                st.text("未使用：" + "、".join(unused))
            if personal:
                st.text("个人信息（不读取、不保存、不显示）：" + "、".join(personal))
            if sc.report.get("comparison"):
                st.text("对比列（不载入）：" + "、".join(sc.report["comparison"]))
    st.dataframe(sc.preview, hide_index=True, width="stretch", height=220)


def show_effect(effect, action: str) -> None:
    """What a load or an undo would change in the county's headline figures (worked out and rolled back)."""
    if effect is None:
        return
    if effect.note:
        st.caption(effect.note)
    elif effect.rows:
        st.text(f"{action}后，{effect.county}截至{periods.label(effect.as_of)}的主要指标将变为：")
        table(effect_table(effect.rows, f"{action}前", f"{action}后"), key=None)
    else:
        st.caption(f"{action}后，{plain(effect.county)}截至{periods.label(effect.as_of)}的主要指标数字不变。")


def mapping_form(i: int, up, data: bytes, u) -> dict | None:
    """The clerk's mapping for one sheet: its kind and which column each field is. Returns it when asked
    to preview or save."""
    st.info(f"工作表“{plain(u.sheet)}”的表头（第{u.header_rows[0]}行）没有认出来。请选择这是哪一类报表，并指定各字段对应的列；"
            "预览无误后保存，以后同样表头的报表会自动按此载入。")
    with st.expander("这张表的列和前几行的值", expanded=False):
        st.dataframe([{"列": c.cell, "表头": c.text, "前几行的值": u.samples.get(c.text, "")} for c in u.columns],
                     hide_index=True, width="stretch")
    choices = {"": "（请选择报表类型）", **service.layout_choices()}
    guess = u.guesses[0][0] if u.guesses else ""
    layout = st.selectbox("这张表是", list(choices), index=list(choices).index(guess), format_func=choices.get,
                          placeholder="请选择", key=f"map-layout-{i}-{up.file_id}-{u.sheet}")
    if not layout:
        return None
    guessed = dict(next((g for name, g in u.guesses if name == layout), {}))
    by_field = {fld: col for col, fld in guessed.items()}
    headers = service.mappable_headers(u)
    chosen = {}
    cols = st.columns(3)
    for k, (name, required) in enumerate(service.layout_fields(layout)):
        options = [NONE, *headers]
        pre = by_field.get(name)
        pick = cols[k % 3].selectbox(f"{name}{'（必填）' if required else ''}", options,
                                     index=options.index(pre) if pre in options else 0,
                                     placeholder="请选择", key=f"map-{i}-{up.file_id}-{u.sheet}-{layout}-{name}")
        if pick != NONE:
            chosen[pick] = name
    c1, c2 = st.columns(2)
    if c1.button("预览", key=f"map-preview-{i}-{up.file_id}-{u.sheet}"):
        st.session_state[f"map-state-{i}"] = ("preview", layout, chosen)
    if c2.button("保存映射", key=f"map-save-{i}-{up.file_id}-{u.sheet}", type="primary"):
        try:
            mid = service.save_mapping(engine(), up.name, data, u.sheet, layout, chosen, principal=who)
            st.success(f"已保存表头映射 #{mid}。下面按它重新检查这个文件。")
            st.session_state.pop(f"check-{i}", None)
            st.session_state.pop(f"map-state-{i}", None)
            st.rerun()
        except Exception as exc:   # noqa: BLE001 — shown as a message, never a traceback
            failed(exc)
    state = st.session_state.get(f"map-state-{i}")
    if state and state[0] == "preview" and state[1] == layout:
        key = (up.file_id, layout, tuple(sorted(state[2].items())), data_version(engine()), who.key)
        done = st.session_state.get(f"map-check-{i}")
        if done is None or done[0] != key:      # checked once per mapping (each check is in the audit log)
            try:
                done = (key, service.inspect_upload(engine(), up.name, data, layout, None, columns_map=state[2],
                                                    principal=who))
            except Exception as exc:   # noqa: BLE001
                failed(exc)
                return None
            st.session_state[f"map-check-{i}"] = done
        check = done[1]
        if check.errors:
            st.error("按这样指定还不能载入：")
            st.dataframe(check.report(), hide_index=True, width="stretch")
        for sc in check.sheets:
            show_sheet(sc)
    return None


def indicator_form(key: str, written: str) -> None:
    """For an administrator: add an indicator a sheet names and the catalogue lacks (名称, 口径, 单位, 方向, 年度目标,
    领域); the sheet is checked again with it. Recorded in the audit log."""
    m = re.match(r"^(.*?)[（(]([^（）()]+)[）)]\s*$", written)
    name, unit = (m.group(1), m.group(2)) if m else (written, "")
    areas = [a for a in catalogue.areas() if not a.page] + [a for a in catalogue.areas() if a.page]
    with st.form(f"indicator-{key}", border=True):
        st.markdown("**在指标目录中添加这个指标**（管理员）")
        st.text(f"报表中写的是：{written}")
        c1, c2 = st.columns(2)
        new_name = c1.text_input("名称", value=name, key=f"ind-name-{key}")
        new_unit = c2.text_input("单位（如 %、亩、人、元）", value=unit, key=f"ind-unit-{key}")
        definition = st.text_area("口径（统计范围和算法，页面上写在指标旁）", key=f"ind-def-{key}")
        c1, c2, c3 = st.columns(3)
        area = c1.selectbox("所属领域", [a.key for a in areas], format_func=lambda k: catalogue.area(k).name,
                            placeholder="请选择", key=f"ind-area-{key}")
        direction = c2.selectbox("方向", ["up", "down"], format_func={"up": "越高越好", "down": "越低越好"}.get,
                                 placeholder="请选择", key=f"ind-dir-{key}")
        aggregate = c3.selectbox("没有全县行时全县数", ["sum", "ratio", "weighted", "latest"], placeholder="请选择",
                                 format_func={"sum": "各乡镇之和", "ratio": "分子之和 ÷ 分母之和", "weighted": "以分母加权平均",
                                              "latest": "只用报送的全县数"}.get, key=f"ind-agg-{key}")
        c1, c2 = st.columns(2)
        year = c1.number_input("目标年度", min_value=2000, max_value=2100, step=1,
                               value=int((f.as_of if f and f.as_of else "2023")[:4]), key=f"ind-year-{key}")
        target_text = c2.text_input("年度目标（可留空）", key=f"ind-target-{key}").strip()
        if not st.form_submit_button("添加到指标目录", type="primary"):
            return
    try:
        from decimal import Decimal, InvalidOperation

        try:
            target = Decimal(target_text.rstrip("%")) if target_text else None
        except InvalidOperation:
            st.error("年度目标应为数字")
            return
        ind = service.add_indicator(engine(), who, name=new_name, definition=definition, unit=new_unit, area=area,
                                    direction=direction, aggregate=aggregate, target=target, year=int(year))
    except (access.Denied, catalogue.CatalogueError) as exc:
        st.error(plain(getattr(exc, "text", str(exc))))
        return
    st.success(f"已添加“{plain(ind.name)}”到指标目录（{plain(catalogue.area(ind.area).name)}）。正在重新检查这个文件……")
    st.rerun()


def confirm(action: str, batch_id: int) -> None:
    """Say what undoing or restoring a batch will do, and do it only when the clerk confirms."""
    word = {"undo": "撤销", "redo": "恢复"}[action]
    try:
        row, others, effect = (service.undo_effect if action == "undo" else service.redo_effect)(engine(), batch_id,
                                                                                                principal=who)
    except Exception as exc:   # noqa: BLE001
        st.session_state.pop("pending", None)
        failed(exc)
        return
    with st.container(border=True):
        what = f"将{word}批次 #{batch_id}（{row['file_name']}，{periods.kind_label(row['kind'], row['period'])}，{row['scope']}）"
        if others:
            what += ("，并恢复它替代的批次 #" if action == "undo" else "，并替代现有的批次 #") + "、#".join(map(str, others))
        st.text(what + "。")
        show_effect(effect, word)
        c1, c2, _ = st.columns([1, 1, 3])
        if c1.button(f"确认{word}", key=f"confirm-{action}", type="primary"):
            try:
                message = (service.undo if action == "undo" else service.redo)(engine(), batch_id, principal=who)
                st.session_state["done_message"] = ("success", message + "。各页面的数字已随之更新。")
            except Exception as exc:   # noqa: BLE001
                st.session_state["done_message"] = ("error", exc.text() if isinstance(exc, LoadError) else exc.text
                                                    if isinstance(exc, access.Denied)
                                                    else f"出错了（{type(exc).__name__}），数据库未作改动。")
            st.session_state.pop("pending", None)
            st.session_state["reset_picks"] = True
            st.rerun()
        if c2.button("取消", key=f"cancel-{action}"):
            st.session_state.pop("pending", None)
            st.session_state["reset_picks"] = True
            st.rerun()


# a confirmed undo or redo: its message stays until dismissed, and no batch is preselected for the next one
if st.session_state.pop("reset_picks", False):
    for k in ("undo_pick", "redo_pick"):
        st.session_state.pop(k, None)

tab_up, tab_hist, tab_maps, tab_tpl, tab_src = st.tabs(["上传报表", "载入历史", "表头映射", "空白模板", "数据来源"])

def upload_tab() -> None:
    st.caption(f"可上传：{service.accepted_types()}（Excel 工作簿或 UTF-8/GBK 编码的 CSV），每个文件不超过{settings.limits.max_upload_mb}MB。"
               "上传后先检查、预览，确认后才载入；用不到的列和个人信息列不读取；载入的每个文件都可在“载入历史”中撤销。")
    uploads = st.file_uploader("选择部门报表（可多选）", type=["xlsx", "xls", "csv"], accept_multiple_files=True, key="uploads")
    version = data_version(engine())
    kinds = {"": "自动识别", **service.layout_choices()}
    for i, up in enumerate(uploads or []):
        data = up.getvalue()
        with st.container(border=True):
            st.text(f"{up.name}　{len(data) / 1024:,.1f} KB")
            c1, c2 = st.columns(2)
            kind = c1.selectbox("报表类型", list(kinds), placeholder="请选择", key=f"kind-{i}-{up.file_id}", format_func=kinds.get)
            period = c2.text_input("统计期（留空则从标题、表头或文件名识别，如 2023-04、2022、2023H1）", key=f"period-{i}-{up.file_id}",
                                   max_chars=20).strip()
            cache_key = ("check", up.file_id, kind, period, version, who.key, catalogue.version())
            if st.session_state.get(f"check-{i}", (None,))[0] != cache_key:
                with st.spinner("正在检查……"):
                    try:
                        result = service.inspect_upload(engine(), up.name, data, kind, period, principal=who)
                    except access.Denied as exc:
                        result = service.UploadCheck(up.name, len(data), "", errors=[Problem(exc.text, file=up.name)],
                                                     refused=exc.text)
                    except Exception as exc:   # noqa: BLE001
                        result = service.UploadCheck(up.name, len(data), "", errors=[Problem(
                            f"检查时出错（{type(exc).__name__}），文件未载入", file=up.name, hint="请重试；如仍出错，请联系管理员")])
                    st.session_state[f"check-{i}"] = (cache_key, result)
            check = st.session_state[f"check-{i}"][1]
            if check.already_loaded:
                st.info(f"与已载入的批次 #{'、#'.join(map(str, check.already_loaded))} 完全相同，再次载入不会有任何改动。")
            for sc in check.sheets:
                show_sheet(sc)
            show_effect(check.effect, "载入")
            for note in check.notes:
                st.text("· " + note)
            if check.skipped_sheets:
                st.text("未识别或隐藏、未载入的工作表：" + "、".join(check.skipped_sheets))
            if check.errors:
                st.error(f"发现{len(check.errors)}处问题，此文件不能载入。"
                         + ("请在下面指定各列的含义，或修改后重新上传：" if check.unplaced else "请修改后重新上传：")
                         + "\n\n" + problems_text(check.errors))
                st.dataframe(check.report(), hide_index=True, width="stretch")
            for u in check.unplaced:
                mapping_form(i, up, data, u)
            if check.errors and access.allowed(who, "settings"):
                for n, name in enumerate(catalogue.unknown_names(check.errors)):
                    indicator_form(f"{i}-{n}-{up.file_id}", name)
            if check.errors:
                continue
            ticks = True
            if check.new_county:
                st.warning(f"这是“{plain(check.county)}”的第一次载入。它的乡镇将按文件中的行登记（{len(check.new_townships)}个）："
                           + "、".join(plain(t) for t in check.new_townships))
                ticks = st.checkbox(f"确认登记{plain(check.county)}及以上乡镇", key=f"county-{i}-{up.file_id}")
            if check.warnings:
                st.warning(f"有{len(check.warnings)}处提醒，请核对：\n\n" + problems_text(check.warnings))
                st.dataframe(check.report(), hide_index=True, width="stretch")
                ticks = st.checkbox("我已核对以上提醒，仍要载入", key=f"ack-{i}-{up.file_id}") and ticks
            replaces = [b["batch"] for sc in check.sheets for b in sc.replaces]
            button = "确认载入" + (f"（替代批次 #{'、#'.join(map(str, replaces))}）" if replaces else "")
            if st.button(button, key=f"load-{i}-{up.file_id}", type="primary", disabled=not ticks or bool(check.already_loaded)):
                bar = st.progress(0.0, text="正在载入……")
                try:
                    result = service.commit_upload(engine(), up.name, data, kind, period,
                                                   lambda label, done, total: bar.progress(done / total, text=f"正在写入 {done:,}/{total:,} 行"),
                                                   principal=who)
                except access.Denied as exc:
                    result = service.FileResult(up.name, "failed", problems=[Problem(exc.text, file=up.name)])
                except Exception as exc:   # noqa: BLE001
                    result = service.FileResult(up.name, "failed", problems=[Problem(
                        f"载入时出错（{type(exc).__name__}），数据库未作改动", file=up.name, hint="请重试")])
                bar.empty()
                if result.status == "loaded":
                    st.success("已载入：" + plain(result.message) + "。各页面的数字已随之更新。")
                elif result.status == "unchanged":
                    st.info(plain(result.message))
                else:
                    st.error("载入失败：\n\n" + problems_text(result.problems))
                    st.dataframe(service.UploadCheck(up.name, len(data), "", errors=result.problems).report(), hide_index=True)

with tab_up:
    if access.allowed(who, "upload"):
        upload_tab()
    else:
        st.info(f"您的账号（{who.role_name}）可以查看载入历史和数据来源，不能上传、载入或撤销报表。如需载入，请联系录入员。")

with tab_hist:
    done = st.session_state.get("done_message")
    if done:
        (st.success if done[0] == "success" else st.error)(plain(done[1]))
        if st.button("知道了", key="done_ok"):
            st.session_state.pop("done_message", None)
            st.rerun()
    hist = service.history_display(engine(), principal=who)
    if hist.empty:
        st.info("还没有载入任何数据。")
    else:
        table(hist.drop(columns=["SHA-256"]), height=360, key="history")
        c1, c2, c3 = st.columns(3)
        raw = service.history(engine(), principal=who)
        county = dict(zip(raw["id"], raw["county"]))
        mine = {action: [b for b, sc in zip(hist["批次"], hist["范围"]) if access.may_change(who, action, county[b], sc)]
                for action in ("undo", "redo")}          # only the batches within the principal's scope
        active = [b for b in hist[hist["状态"] == "有效"]["批次"] if b in mine["undo"]]
        undone = [b for b in hist[hist["状态"] == "已撤销"]["批次"] if b in mine["redo"]]
        label = dict(zip(hist["批次"], hist["文件"] + " / " + hist["工作表"]))
        for col, action, word, choices in ((c1, "undo", "撤销", active), (c2, "redo", "恢复", undone)):
            with col:
                if not access.allowed(who, action):
                    st.text(f"{word}批次")
                    st.caption(f"您的账号（{who.role_name}）不能{word}批次。")
                    continue
                if not choices:
                    st.text(f"{word}批次")
                    st.caption(f"没有可{word}的批次。")
                    continue
                pick = st.selectbox(f"{word}批次", choices, index=None, placeholder=f"选择要{word}的批次",
                                    format_func=lambda b: f"#{b} {label[b]}", key=f"{action}_pick")
                if st.button(f"{word}……", key=action, disabled=pick is None):
                    st.session_state["pending"] = (action, int(pick))
        pending = st.session_state.get("pending")
        if pending:
            confirm(*pending)
        with c3:
            if not access.allowed(who, "download_original"):
                st.text("下载原始文件")
                st.caption("原始文件含姓名、证件号码等个人信息，仅管理员可以下载。")
            else:
                pick = st.selectbox("下载原始文件", hist["批次"].tolist(), format_func=lambda b: f"#{b} {label[b]}",
                                    placeholder="请选择", key="orig_pick")
                row = hist.set_index("批次").loc[pick]
                if not service.has_archive(row["SHA-256"]):
                    st.caption("该文件是用命令行载入的，没有存档原件。")
                else:     # decrypted when asked for, and each download in the audit log
                    sha, name, e = row["SHA-256"], row["文件"], engine()
                    st.download_button("下载原始文件", lambda: service.archived(sha, principal=who, engine=e, name=name),
                                       name, key="orig_dl", on_click="ignore")

with tab_maps:
    st.caption("上传时指定过各列含义的表头。同样表头的报表会自动按这里的映射载入；删除后需重新指定。")
    saved = service.mapping_table(engine())
    if saved.empty:
        st.info("还没有保存的表头映射。")
    else:
        st.dataframe(saved, hide_index=True, width="stretch")
    if not saved.empty and access.allowed(who, "mappings"):
        pick = st.selectbox("删除映射", saved["编号"].tolist(), placeholder="请选择", key="map_delete_pick",
                            format_func=lambda m: f"#{m} {saved.set_index('编号').loc[m, '表格']}")
        if st.button("删除", key="map_delete"):
            try:
                service.remove_mapping(engine(), int(pick), principal=who)
                st.rerun()
            except Exception as exc:   # noqa: BLE001
                failed(exc)

with tab_tpl:
    st.caption("各类报表的空白模板：表头、单位和“填报说明”工作表。按模板填写的文件可直接上传载入；不按模板、带多余列的报表也能载入。")
    county = (f.county if f else None) or (settings.counties() or ["某县"])[0]
    cols = st.columns(3)
    for k, (name, lay) in enumerate(service.template_layouts().items()):
        cols[k % 3].download_button(f"{lay.label}模板", service.template_xlsx(name, county), f"{lay.label}模板.xlsx",
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"tpl-{name}",
                                    on_click="ignore")

with tab_src:
    if f is None:
        st.info("还没有数据。")
    else:
        st.caption(f"截至{periods.label(f.as_of)}，各项数字来自以下文件（有效批次）：")
        src = service.provenance(engine(), f.as_of, principal=who)
        st.dataframe(src, hide_index=True, width="stretch")
