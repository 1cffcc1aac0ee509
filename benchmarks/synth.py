"""A synthetic report folder in the data format of docs/data-model.md, with N district-level places.

    python benchmarks/synth.py 50 --root /tmp/closeout-bench     # writes data/raw/synth-50.txt, data/synth-50/

The report has the seed's shape, for a fictional organisation and city (安澜市邻里互助中心, so that no default
names the seed's places, numbers or wording): a grant, targets from the proposal, project totals, then one
paragraph per district (social-worker deployments, communities served, households visited, phone checks,
publicity materials, and the temperature checks of one community), a mid-term figure for every third
district (a revision of a cumulative count), a team per district (intensity), the budget table as printed, a
list of the districts covered with its stated count, and a rule. Every figure's quote is generated into the
source text first and occurs exactly once in its section, so ``closeout validate`` passes. Values are drawn
from a seeded generator: the same N gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import random
from pathlib import Path

# Characters with distinct pinyin (no 区/新/县, so that no generated name contains another one).
_CHARS = [
    ("青", "qing"), ("金", "jin"), ("武", "wu"), ("云", "yun"), ("双", "shuang"), ("温", "wen"),
    ("崇", "chong"), ("彭", "peng"), ("邛", "qiong"), ("蒲", "pu"), ("简", "jian"), ("龙", "long"),
    ("泉", "quan"), ("华", "hua"), ("阳", "yang"), ("都", "du"), ("大", "da"), ("安", "an"),
    ("东", "dong"), ("西", "xi"), ("南", "nan"), ("北", "bei"), ("平", "ping"), ("河", "he"),
    ("山", "shan"), ("林", "lin"), ("江", "jiang"), ("桂", "gui"),
]
_COMMUNITY_WORDS = [("花园", "Huayuan"), ("桂苑", "Guiyuan"), ("和平", "Heping"), ("锦苑", "Jinyuan"),
                    ("幸福", "Xingfu"), ("书香", "Shuxiang"), ("翠竹", "Cuizhu"), ("望江", "Wangjiang")]
_STREET_WORDS = [("东街", "Dongjie"), ("西街", "Xijie"), ("南街", "Nanjie"), ("北街", "Beijie")]
_LEVELS = [("district", "区", "District")] * 8 + [("county", "县", "County"), ("new_area", "新区", "New Area")]

PERIOD = ("2020-01-25", "2020-03-31")


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    if any(c in text for c in ',"\n\t'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    lines = [",".join(header)] + [",".join(_csv_cell(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _names(n: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """n distinct two-character place stems: (characters, pinyin id, English stem)."""
    pairs = [(a, b) for a in _CHARS for b in _CHARS if a != b]
    rng.shuffle(pairs)
    out, ids = [], set()
    for (c1, p1), (c2, p2) in pairs:
        pid = p1 + p2
        if pid in ids:
            continue
        ids.add(pid)
        out.append((c1 + c2, pid, p1.capitalize() + p2))
        if len(out) == n:
            return out
    raise ValueError(f"at most {len(out)} places can be generated")


def _num(value: float) -> str:
    """A number as printed: no exponent, no trailing zeros (12345.5, 30000)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _distinct(rng: random.Random, lo: int, hi: int, n: int) -> list[int]:
    """n distinct integers of [lo, hi] (so that a quote made of label and number is unique)."""
    return rng.sample(range(lo, hi + 1), n)


def generate(root: str | Path, n: int, seed: int = 2020, name: str | None = None) -> Path:
    """Write ``root/data/raw/<name>.txt`` and ``root/data/<name>/`` (``name`` defaults to ``synth-<n>``, also
    the report id); return the report folder."""
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = random.Random(f"{seed}-{n}")
    report_id = name or f"synth-{n}"
    root = Path(root)
    raw, folder = root / "data" / "raw", root / "data" / report_id
    raw.mkdir(parents=True, exist_ok=True)
    folder.mkdir(parents=True, exist_ok=True)

    stems = _names(n, rng)
    workers = _distinct(rng, 20, 400, n)
    households = _distinct(rng, 800, 9000, n)
    phones = _distinct(rng, 50, 1500, n)
    materials = _distinct(rng, 300, 8000, n)
    temps = _distinct(rng, 100, 990, n)
    communities = [rng.randint(2, 18) for _ in range(n)]
    days = [rng.randint(10, 28) for _ in range(n)]

    places = [["anlan", "city", "安澜市", "Anlan", "", ""]]
    figures: list[list] = []
    workforce, intensities, list_items = [], [], []
    fid = iter(range(1, 100000))

    def figure(section, metric, label, value, unit, unit_zh, qualifier, approx, cutoff, scope, place, quote,
               note=""):
        figure_id = f"F{next(fid):03d}"
        figures.append([figure_id, section, metric, label, value, "", unit, unit_zh, qualifier,
                        "true" if approx else "false", cutoff, scope, place, quote, note])
        return figure_id

    grant = 4000 * n
    total_households, total_phones = sum(households), sum(phones)
    total_workers, total_communities = sum(workers), sum(communities)
    target_households = (total_households * 8 // 10) // 100 * 100
    target_communities = max(10, total_communities * 7 // 10)

    # --- header and 一 (the proposal's commitments and the districts covered)
    grant_text = f"{grant / 10000:g}万"
    header = f"「邻里守望」扩展项目结项报告（合成数据，{n} 个区县）\n\n项目预算：{grant_text}\n\n"
    f_grant = figure("header", "grant_budget_yuan", "项目预算", grant, "yuan", "万", "exact", False, "", "project",
                     "", f"项目预算：{grant_text}", f"{grant_text} = {grant} 元")
    district_names = []
    for i, (stem, pid, en) in enumerate(stems):
        level, suffix, en_suffix = _LEVELS[i % len(_LEVELS)]
        district_names.append((pid, stem + suffix, f"{en} {en_suffix}", level, stem))
    s1 = ("一、请对照项目书分点阐述项目执行情况。\n\n"
          f"1. 探访困难家庭，至少 {target_communities} 个社区，{target_households} 户次。"
          f"本项目覆盖 {n} 个区县：" + "、".join(d[1] for d in district_names) + "。\n\n")
    f_t_comm = figure("一.1", "communities_served", "社区", target_communities, "communities", "个", "target", False,
                      "", "project", "", f"至少 {target_communities} 个社区", "proposal commitment")
    f_t_hh = figure("一.1", "households_visited", "户次", target_households, "household_times", "户次", "target",
                    False, "", "project", "", f"{target_households} 户次", "proposal commitment")
    f_cover = figure("一.1", "districts_covered", "区县", n, "districts", "个", "exact", False, "", "project", "",
                     f"覆盖 {n} 个区县")
    for k, d in enumerate(district_names, start=1):
        list_items.append(["districts_covered", k, d[1], d[1]])

    # --- 二 (project totals)
    s2 = ("二、项目成果\n\n"
          f"1) 截止 3 月 31 日，该项目社工 {total_workers} 人次配合社区，入户 {total_households} 户，"
          f"电话核查 {total_phones} 户，服务 {total_communities} 个社区，发放宣传资料 {sum(materials)} 份。\n\n")
    f_workers = figure("二.1)", "worker_deployments", "社工", total_workers, "worker_times", "人次", "exact", False,
                       "2020-03-31", "project", "", f"社工 {total_workers} 人次")
    f_hh = figure("二.1)", "households_visited", "入户", total_households, "households", "户", "exact", False,
                  "2020-03-31", "project", "", f"入户 {total_households} 户")
    figure("二.1)", "phone_checks_households", "电话核查", total_phones, "households", "户", "exact", False,
           "2020-03-31", "project", "", f"电话核查 {total_phones} 户")
    f_comm = figure("二.1)", "communities_served", "社区", total_communities, "communities", "个", "exact", False,
                    "2020-03-31", "project", "", f"服务 {total_communities} 个社区")
    figure("二.1)", "publicity_materials", "宣传资料", sum(materials), "copies", "份", "exact", False,
           "2020-03-31", "project", "", f"宣传资料 {sum(materials)} 份")

    # --- 三 (one paragraph per district) and 四 (mid-term figures for every third district)
    s3, s4 = ["三、各区县执行情况\n\n"], ["四、阶段性进展\n\n"]
    for i, (pid, name, name_en, level, stem) in enumerate(district_names):
        street_word, street_en = _STREET_WORDS[i % len(_STREET_WORDS)]
        comm_word, comm_en = _COMMUNITY_WORDS[i % len(_COMMUNITY_WORDS)]
        street_id, street = f"{pid}_{street_en.lower()}", f"{stem}{street_word}街道"
        comm_id, comm = f"{pid}_{comm_en.lower()}", f"{stem}{comm_word}社区"
        places.append([pid, level, name, name_en, "anlan", "synthetic"])
        en_stem = name_en.split()[0]
        places.append([street_id, "street", street, f"{en_stem} {street_en} Subdistrict", pid, ""])
        places.append([comm_id, "community", comm, f"{en_stem} {comm_en} Community", street_id, ""])
        cutoff = f"2020-03-{days[i]:02d}"
        sec = f"三.{i + 1}"
        s3.append(
            f"{i + 1}. {name}：截止 3 月 {days[i]} 日，{name}社工 {workers[i]} 人次参与排查，{name}服务 "
            f"{communities[i]} 个社区，入户 {households[i]} 户，电话核查 {phones[i]} 户，"
            f"发放宣传资料 {materials[i]} 份；{comm}体温检测 {temps[i]} 余人次。\n"
        )
        f_w = figure(sec, "worker_deployments", "社工", workers[i], "worker_times", "人次", "exact", False, cutoff,
                     "district", pid, f"{name}社工 {workers[i]} 人次")
        f_c = figure(sec, "communities_served", "社区", communities[i], "communities", "个", "exact", False, cutoff,
                     "district", pid, f"{name}服务 {communities[i]} 个社区")
        f_h = figure(sec, "households_visited", "入户", households[i], "households", "户", "exact", False, cutoff,
                     "district", pid, f"入户 {households[i]} 户")
        figure(sec, "phone_checks_households", "电话核查", phones[i], "households", "户", "exact", False, cutoff,
               "district", pid, f"电话核查 {phones[i]} 户")
        figure(sec, "publicity_materials", "宣传资料", materials[i], "copies", "份", "exact", False, cutoff,
               "district", pid, f"宣传资料 {materials[i]} 份")
        figure(sec, "temperature_checks_person_times", "体温检测", temps[i], "person_times", "人次", "approximate",
               True, "", "community", comm_id, f"{comm}体温检测 {temps[i]} 余人次")
        team = f"{pid}_workers"
        workforce.append([team, sec, f"{name}社工", f"{name_en} social workers", f_w, pid, ""])
        intensities.append([f"{team}__{f_h.lower()}", team, f_h, "每社工人次入户户数",
                            "Households visited per deployment", ""])
        intensities.append([f"{team}__{f_c.lower()}", team, f_c, "每社工人次服务社区数",
                            "Communities per deployment", ""])
        if i % 3 == 0:
            mid = households[i] * rng.randint(35, 70) // 100
            day = rng.randint(5, 27)
            s4.append(f"截至 2 月 {day} 日，{name}已入户 {mid} 户。\n")
            figure("四", "households_visited", "入户", mid, "households", "户", "exact", False, f"2020-02-{day:02d}",
                   "district", pid, f"{name}已入户 {mid} 户", "mid-term report")
    s3.append("\n")
    s4.append("\n")

    # --- 五 (the budget table as printed; remaining = budget - actual)
    shares = [("food", "物资采购", "Supplies", "米面粮油", "Food parcels", 0.5, 1.06),
              ("clothing", "", "", "保暖衣物", "Warm clothing", 0.25, 0.93),
              ("allowance", "项目执行", "Project delivery", "社工补贴", "Social-worker allowances", 0.15, 1.0),
              ("printing", "", "", "宣传印刷", "Printing", 0.1, 0.43)]
    budget_rows, lines = [], ["五、财务报告", "", "主要活动\t预算明细\t预算额度\t实际开支\t剩余金额\t备注"]
    tb = ta = 0.0
    category = ("", "")
    for line_id, cat_zh, cat_en, line_zh, line_en, share, spend in shares:
        b = round(grant * share, 2)
        a = round(b * spend, 1)
        r = round(b - a, 1)
        tb, ta = tb + b, ta + a
        category = (cat_zh, cat_en) if cat_zh else category
        printed = f"{cat_zh}\t{line_zh}\t{b:.2f}\t{_num(a)}\t{_num(r)}"
        lines.append(printed + "\t")
        budget_rows.append([line_id, "line", category[0], category[1], line_zh, line_en, _num(b), _num(a),
                            _num(r), "", printed.lstrip("\t")])
    tr = round(tb - ta, 1)
    printed = f"合计\t\t{tb:,.0f}\t{ta:,.1f}\t{_num(tr)}"
    lines.append(printed + "\t")
    budget_rows.append(["total", "total", "合计", "Total", "", "", _num(tb), _num(round(ta, 1)), _num(tr), "",
                        printed])
    s5 = "\n".join(lines) + "\n"

    text = header + s1 + s2 + "".join(s3) + "".join(s4) + s5
    source = raw / f"{report_id}.txt"
    source.write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()

    (folder / "report.toml").write_text(
        f'id = "{report_id}"\nsource = "../raw/{report_id}.txt"\nsource_sha256 = "{digest}"\n'
        f'title_zh = "「邻里守望」扩展项目（合成，{n} 个区县）"\ntitle_en = "Good Neighbours, extended (synthetic, {n} districts)"\n'
        'organisation_zh = "安澜市邻里互助中心"\norganisation_en = "Anlan Neighbourhood Mutual Aid Centre"\n'
        f"period_start = {PERIOD[0]}\nperiod_end = {PERIOD[1]}\ngrant_figure_id = \"{f_grant}\"\n",
        encoding="utf-8",
    )
    _write_csv(folder / "places.csv", ["place_id", "level", "name_zh", "name_en", "parent_id", "note"], places)
    _write_csv(folder / "metrics.csv", ["metric", "label_zh", "label_en", "is_cumulative"], [
        ["grant_budget_yuan", "项目预算", "Grant budget", "false"],
        ["communities_served", "服务社区", "Communities served", "true"],
        ["households_visited", "入户", "Households visited", "true"],
        ["phone_checks_households", "电话核查", "Households checked by phone", "true"],
        ["worker_deployments", "社工人次", "Social-worker deployments", "true"],
        ["publicity_materials", "宣传资料", "Publicity materials", "true"],
        ["temperature_checks_person_times", "体温检测", "Temperature checks", "true"],
        ["districts_covered", "覆盖区县", "Districts covered", "false"],
    ])
    _write_csv(folder / "figures.csv", ["figure_id", "section", "metric", "label_zh", "value", "value_max", "unit",
                                        "unit_zh", "qualifier", "is_approximate", "cutoff_date", "scope", "place_id",
                                        "quote", "note"], figures)
    _write_csv(folder / "targets.csv", ["target_id", "section", "label_zh", "label_en", "target_figure_id"], [
        ["households", "一.1", f"入户排查 {target_households} 户次", f"Screen {target_households} household visits",
         f_t_hh],
        ["communities", "一.1", f"至少 {target_communities} 个社区", f"At least {target_communities} communities",
         f_t_comm],
    ])
    _write_csv(folder / "target_achievements.csv", ["target_id", "figure_id", "combine", "note_zh", "note_en"], [
        ["households", f_hh, "alternative", "完成数以户计，目标以户次计", "achievement printed in 户, target in 户次"],
        ["communities", f_comm, "alternative", "", ""],
    ])
    _write_csv(folder / "workforce.csv", ["team_id", "section", "label_zh", "label_en", "workers_figure_id",
                                          "place_id", "note"],
               [["project_workers", "二.1)", "邻里中心社工", "Centre social workers", f_workers, "", ""], *workforce])
    _write_csv(folder / "intensities.csv", ["intensity_id", "team_id", "output_figure_id", "label_zh", "label_en",
                                            "note"],
               [["project_workers__households", "project_workers", f_hh, "每社工人次入户户数",
                 "Households visited per deployment", ""], *intensities])
    _write_csv(folder / "key_outputs.csv", ["metric", "label_zh", "label_en", "why"], [
        ["households_visited", "入户排查户数", "Households visited", "the screening output the grant was made for"],
        ["phone_checks_households", "电话核查户数", "Households checked by phone", "the second screening output"],
    ])
    _write_csv(folder / "budget.csv", ["line_id", "row_type", "category_zh", "category_en", "line_zh", "line_en",
                                       "budget_yuan", "actual_yuan", "remaining_yuan", "remark_zh", "quote"],
               budget_rows)
    _write_csv(folder / "lists.csv", ["list_id", "section", "label_zh", "label_en", "count_figure_id"], [
        ["districts_covered", "一.1", "项目覆盖的区县", "Districts covered", f_cover],
    ])
    _write_csv(folder / "list_items.csv", ["list_id", "item_no", "item_zh", "quote"], list_items)
    _write_csv(folder / "rules.csv", ["rule_id", "left", "operator", "right", "tolerance_pct", "severity",
                                      "message_zh", "message_en"], [
        ["grant_equals_budget", f_grant, "==", "budget.total.budget_yuan", "", "error", "项目预算应等于预算表合计",
         "The grant should equal the budget table total"],
    ])
    _write_csv(folder / "exclusions.csv", ["section", "text", "quote", "reason", "note"],
               exclusions(text, figures, budget_rows, list_items))
    return folder


def exclusions(text: str, figures: list[list], budget_rows: list[list], list_items: list[list]) -> list[list]:
    """An exclusions.csv row for every numeric mention of ``text`` that no figure or budget row transcribes
    (headings, enumerations, cut-off dates, the title's count), with a quote made unique in its section."""
    import pandas as pd

    from analysis.extract import account_for, extract_mentions
    from analysis.sections import find_quote, split_sections

    rows = [(f"figures:{f[0]}", f[1], f[13], float(f[4])) for f in figures]
    for b in budget_rows:
        for value in b[6:9]:
            if value != "":
                rows.append((f"budget:{b[0]}", "五", b[10], float(value)))
    transcribed = pd.DataFrame(rows, columns=["ref", "section", "quote", "value"])
    mentions = extract_mentions(text)
    empty = pd.DataFrame(columns=["section", "text", "quote", "reason"])
    accounted = account_for(text, mentions, transcribed, empty)
    sections = split_sections(text)
    out = []
    for m in accounted[accounted["covered_by"].isna()].itertuples(index=False):
        start, end = int(m.start), int(m.end)

        def ok(quote: str, section: str = m.section, wanted: str = str(m.text).strip()) -> bool:
            # unique in its section, and the mention is printed in the quote itself
            found = set(extract_mentions(quote)["text"].str.strip())
            return len(find_quote(text, sections, section, quote)) == 1 and wanted in found

        while not ok(text[start:end]) and end < len(text) and end - start < 40:
            end += 1
        quote = text[start:end]
        reason = {"date": "date", "time": "time", "enumeration": "section_number"}.get(m.kind, "name")
        out.append([m.section, m.text, quote, reason, "generated by benchmarks/synth.py"])
    return out


def portfolio(root: str | Path, reports: int, n: int) -> list[Path]:
    """``reports`` distinct synthetic reports of ``n`` places each (``synth-<n>-g01`` …, each its own seed)."""
    return [generate(root, n, seed=2020 + i, name=f"synth-{n}-g{i:02d}") for i in range(1, reports + 1)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="number of district-level places")
    p.add_argument("--root", type=Path, default=Path("."), help="writes ROOT/data/raw and ROOT/data/synth-N")
    p.add_argument("--reports", type=int, default=None,
                   help="a portfolio of this many reports of N places (data/synth-N-g01 …)")
    args = p.parse_args(argv)
    if args.reports:
        for folder in portfolio(args.root, args.reports, args.n):
            print(folder)
    else:
        print(generate(args.root, args.n))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
