"""The vote commands of `courtyard` as an operator at the terminal sees them: create from a
file and open, enter nothing yet, show as JSON and as a table, list, close early, adopt."""

from __future__ import annotations

import json

from test_cli import Cli, cli  # noqa: F401  (the `cli` fixture: a store in a temporary file)

from models import Ballot, VoteAdoption


def test_create_show_list_close_and_adopt_from_the_terminal(cli: Cli) -> None:  # noqa: F811
    assert cli("add", "纬三路13号院", "--code", "WSL").code == 0
    registry = cli.workdir / "homes.csv"
    registry.write_text(
        "building,unit,room,area_m2,parking_spots,owner_name,phone\n"
        "1号楼,1单元,101,86.50,1,张三,13800000001\n"
        "1号楼,1单元,102,62.33,0,李四,13800000002\n"
        "2号楼,,301,100,2,张三,13800000001\n",
        encoding="utf-8",
    )
    assert cli("import-households", str(registry), "--courtyard", "纬三路13号院").code == 0
    spec = cli.workdir / "vote.json"
    spec.write_text(
        json.dumps(
            {
                "title": "物业服务方案选择",
                "rule": "art278",
                "matter": 4,
                "closes_at": "2099-01-10 20:00",
                "options": [
                    {"text": "方案一", "rate": "0.45", "parking_fee": "40"},
                    {
                        "text": "方案二",
                        "rate": "0.55",
                        "parking_fee": "80",
                        "includes": "24 小时门卫",
                    },
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    bad = cli.workdir / "bad.json"
    bad.write_text('{"title": "x", "options": [{"text": "只有一个"}], "closes_at": "2099-01-01"}')
    assert cli("vote", "create", str(bad), "--courtyard", "纬三路13号院").code == 1

    opened = cli("vote", "create", str(spec), "--courtyard", "纬三路13号院", "--open")
    assert opened.code == 0, opened.err
    assert "2 heads" in opened.out  # 张三 owns two homes: one head

    shown = cli("vote", "show", "1", "--format", "json")
    data = json.loads(shown.out)
    assert data["total"] == {"heads": 2, "area_centi_m2": 8650 + 6233 + 10000}
    assert data["took_part"] == {"heads": 0, "area_centi_m2": 0}
    assert data["outcome"] == "no_quorum"
    assert data["ratios"]["participation_heads"] == "0"
    assert data["shortfall"]["participation_heads"] == 2
    assert [o["rate_per_m2"] for o in data["options"]] == [4500, 5500]

    table = cli("vote", "show", "1")
    assert "Civil Code Art. 278, matter 4" in table.out
    assert "took part: 0 heads (0.00%)" in table.out

    listing = cli("votes", "--courtyard", "纬三路13号院")
    assert "#1 纬三路13号院  物业服务方案选择  open" in listing.out

    assert cli("vote", "adopt", "1", "--from", "2099-02").code == 1  # still open
    closed = cli("vote", "close", "1", "--reason", "测试提前结束")
    assert closed.code == 0
    assert "no_quorum" in closed.out
    assert cli("vote", "adopt", "1", "--from", "2099-02").code == 1  # nothing passed
    assert cli.count(Ballot) == 0
    assert cli.count(VoteAdoption) == 0
    assert cli("vote", "show", "99").code == 1


def test_the_protocol_of_a_closed_vote_as_xlsx_and_pdf(cli: Cli) -> None:  # noqa: F811
    from openpyxl import load_workbook

    assert cli("add", "纬三路13号院", "--code", "WSL").code == 0
    registry = cli.workdir / "homes.csv"
    registry.write_text("building,unit,room,area_m2\n1号楼,1单元,101,86.50\n", encoding="utf-8")
    assert cli("import-households", str(registry), "--courtyard", "纬三路13号院").code == 0
    spec = cli.workdir / "vote.json"
    spec.write_text(
        json.dumps(
            {
                "title": "装门禁",
                "closes_at": "2099-01-10 20:00",
                "choices_visible_before_close": True,
                "options": [{"text": "同意"}, {"text": "不同意"}],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    assert cli("vote", "create", str(spec), "--courtyard", "纬三路13号院", "--open").code == 0
    sheet = cli.workdir / "protocol.xlsx"
    assert cli("vote", "protocol", "1", "--output", str(sheet)).code == 1  # not closed yet
    assert cli("vote", "close", "1", "--reason", "测试").code == 0
    assert cli("vote", "protocol", "1", "--output", str(sheet)).code == 0
    book = load_workbook(sheet)
    assert book.sheetnames == ["Result", "Options", "Ballots"]
    values = [[c.value for c in row] for row in book["Result"].iter_rows()]
    assert ["Households in scope", "1"] in values
    paper = cli.workdir / "protocol.pdf"
    run = cli("vote", "protocol", "1", "--format", "pdf", "--output", str(paper))
    assert run.code == 0, run.err
    assert paper.read_bytes().startswith(b"%PDF")
