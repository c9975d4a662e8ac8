"""The `courtyard` command end to end: a store in a temporary SQLite file, run from another
directory, reading what an operator would read on the terminal."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main
from models import Courtyard, Household, Membership, MembershipStatus, RoleAssignment, User
from models.db import create_engine, session_factory
from services import courtyards

TOKEN = "123456:NEVER-PRINT-THIS-TOKEN"
SETTINGS = (
    "BOT_TOKEN",
    "DATABASE_URL",
    "TELEGRAM_API_URL",
    "REDIS_URL",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "TIMEZONE",
    "DEFAULT_LOCALE",
    "QUIET_HOURS",
    "SEND_RATE_PER_SECOND",
    "BOT_USERNAME",
)


@dataclass
class Run:
    code: int
    out: str
    err: str


@dataclass
class Cli:
    database_url: str
    workdir: Path
    capsys: pytest.CaptureFixture[str]

    def __call__(self, *argv: str) -> Run:
        self.capsys.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as exit_:  # argparse's own errors
            code = int(exit_.code or 0)
        captured = self.capsys.readouterr()
        return Run(code, captured.out, captured.err)

    def query(self, statement: object) -> list[object]:
        async def run() -> list[object]:
            engine = create_engine(self.database_url)
            try:
                async with session_factory(engine)() as session:
                    return list((await session.execute(statement)).all())  # type: ignore[call-overload]
            finally:
                await engine.dispose()

        return asyncio.run(run())

    def count(self, model: type) -> int:
        return int(self.query(select(func.count()).select_from(model))[0][0])  # type: ignore[index]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    store = tmp_path / "store" / "courtyard.sqlite3"
    database_url = f"sqlite+aiosqlite:///{store}"
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DEFAULT_LOCALE", "en")  # operator output in English, for readable asserts
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)  # not the project folder: migrations must still be found
    return Cli(database_url, elsewhere, capsys)


def households_csv(path: Path, *rows: str) -> Path:
    path.write_text(
        "\n".join(("building,unit,room,area_m2,parking_spots", *rows)) + "\n", encoding="utf-8"
    )
    return path


def test_migrate_from_any_directory(cli: Cli) -> None:
    run = cli("migrate")
    assert run.code == 0
    assert "up to date" in run.out
    assert not (cli.workdir / "data").exists()  # DATABASE_URL was used, not the default
    assert cli.count(Courtyard) == 0
    assert cli("migrate").code == 0  # twice is harmless


def test_add_and_list_courtyards(cli: Cli) -> None:
    run = cli("add", "纬三路13号院", "--address", "纬三路13号", "--code", "wsl")
    assert run.code == 0, run.err
    assert "纬三路13号院" in run.out
    assert "WSL" in run.out
    assert cli("add", "都市A座").code == 0

    again = cli("add", "纬三路13号院")
    assert again.code == 1
    assert "already exists" in again.err
    assert "Traceback" not in again.err

    listing = cli("courtyards")
    assert listing.code == 0
    lines = listing.out.strip().splitlines()
    assert len(lines) == 2
    assert "WSL" in lines[0]
    assert "纬三路13号院" in lines[0]
    assert "households: 0" in lines[0]
    assert "members: 0" in lines[0]
    assert "Y02" in lines[1]
    assert "都市A座" in lines[1]


def test_empty_list_says_how_to_add(cli: Cli) -> None:
    run = cli("courtyards")
    assert run.code == 0
    assert "courtyard add" in run.out


def test_import_households_and_counts(cli: Cli, tmp_path: Path) -> None:
    cli("add", "都市A座")
    good = households_csv(tmp_path / "good.csv", "A座,1单元,101,45.5,0", "A座,1单元,102,46,1")

    run = cli("import-households", str(good), "--courtyard", "都市A座")
    assert run.code == 0, run.err
    assert "2 new, 0 updated, 0 unchanged" in run.out
    assert cli.count(Household) == 2

    again = cli("import-households", str(good), "--courtyard", "都市A座")
    assert "0 new, 0 updated, 2 unchanged" in again.out
    assert cli.count(Household) == 2

    assert "households: 2" in cli("courtyards").out


def test_a_bad_file_writes_nothing_and_names_each_line(cli: Cli, tmp_path: Path) -> None:
    cli("add", "都市A座")
    bad = households_csv(
        tmp_path / "bad.csv",
        "A座,1单元,101,45.5,0",
        "A座,1单元,102,abc,0",
        "A座,1单元,,46,0",
        "A座,1单元,104,46,1.5",
    )

    run = cli("import-households", str(bad), "--courtyard", "都市A座")

    assert run.code == 1
    assert "Nothing was imported" in run.err
    problems = [line for line in run.err.splitlines() if line.startswith("line ")]
    assert problems == [
        "line 3: area_m2 abc is not a positive number of m²",
        "line 4: room is empty",
        "line 5: parking_spots 1.5 is not a whole number",
    ]
    assert "Traceback" not in run.err
    assert cli.count(Household) == 0


def test_import_into_an_unknown_courtyard_or_a_missing_file(cli: Cli, tmp_path: Path) -> None:
    good = households_csv(tmp_path / "good.csv", "A座,1单元,101,45.5,0")
    cli("migrate")

    unknown = cli("import-households", str(good), "--courtyard", "没有这个院")
    assert unknown.code == 1
    assert "no courtyard named 没有这个院" in unknown.err

    missing = cli("import-households", str(tmp_path / "nope.csv"), "--courtyard", "x")
    assert missing.code == 1
    assert "No such file" in missing.err
    assert cli.count(Household) == 0


def invite_code(output: str) -> str:
    match = re.search(r"([A-Za-z0-9_-]{10})\s*$", output.strip())
    assert match, output
    return match.group(1)


def test_invite_prints_the_code_or_the_link(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("add", "文化路5号院")

    plain = cli("invite", "文化路5号院")
    assert plain.code == 0
    assert "BOT_USERNAME" in plain.out
    code = invite_code(plain.out)
    [(stored,)] = cli.query(select(Courtyard.invite_code))
    assert code == stored

    monkeypatch.setenv("BOT_USERNAME", "yard_bot")
    link = cli("invite", "文化路5号院")
    assert link.out.strip() == f"https://t.me/yard_bot?start={code}"

    renewed = cli("invite", "文化路5号院", "--renew")
    new_code = renewed.out.strip().rsplit("=", 1)[1]
    assert renewed.out.strip() == f"https://t.me/yard_bot?start={new_code}"
    assert new_code != code

    async def who_joins(with_code: str) -> str:
        engine = create_engine(cli.database_url)
        try:
            async with session_factory(engine)() as session:
                return (await courtyards.by_invite(session, with_code)).name
        finally:
            await engine.dispose()

    assert asyncio.run(who_joins(new_code)) == "文化路5号院"
    with pytest.raises(courtyards.UnknownInvite):
        asyncio.run(who_joins(code))

    unknown = cli("invite", "没有这个院")
    assert unknown.code == 1
    assert "no courtyard named" in unknown.err


def test_grant_and_revoke(cli: Cli) -> None:
    cli("add", "纬三路13号院")

    granted = cli("grant", "grid_leader", "--user", "5001", "--courtyard", "纬三路13号院")
    assert granted.code == 0, granted.err
    assert "Granted grid_leader to 5001 in 纬三路13号院" in granted.out
    twice = cli("grant", "grid_leader", "--user", "5001", "--courtyard", "纬三路13号院")
    assert "already holds" in twice.out
    everywhere = cli("grant", "supervisor", "--user", "5002")
    assert "all courtyards" in everywhere.out

    rows = cli.query(
        select(User.telegram_id, RoleAssignment.role, RoleAssignment.courtyard_id)
        .join(User, User.id == RoleAssignment.user_id)
        .order_by(RoleAssignment.id)
    )
    assert [(r[0], r[1], r[2] is None) for r in rows] == [  # type: ignore[index]
        (5001, "grid_leader", False),
        (5002, "supervisor", True),
    ]

    revoked = cli("revoke", "grid_leader", "--user", "5001", "--courtyard", "纬三路13号院")
    assert revoked.code == 0
    assert "Revoked grid_leader from 5001" in revoked.out
    not_held = cli("revoke", "grid_leader", "--user", "5001", "--courtyard", "纬三路13号院")
    assert "does not hold" in not_held.out
    assert cli.count(RoleAssignment) == 1


def test_unknown_role_user_or_courtyard_is_refused_clearly(cli: Cli) -> None:
    cli("add", "纬三路13号院")

    unknown = cli("grant", "mayor", "--user", "5001")
    assert unknown.code == 1
    assert "Unknown role mayor" in unknown.err
    assert "grid_leader" in unknown.err
    resident = cli("grant", "resident", "--user", "5001")
    assert resident.code == 1
    assert "invite link" in resident.err
    nobody = cli("revoke", "repair", "--user", "424242")
    assert nobody.code == 1
    assert "424242" in nobody.err
    nowhere = cli("grant", "repair", "--user", "5001", "--courtyard", "没有这个院")
    assert nowhere.code == 1
    assert "no courtyard named" in nowhere.err
    for run in (unknown, resident, nobody, nowhere):
        assert "Traceback" not in run.err
    assert cli.count(RoleAssignment) == 0
    assert cli.count(User) == 0


def test_member_counts(cli: Cli, tmp_path: Path) -> None:
    cli("add", "都市A座")
    cli("import-households", str(households_csv(tmp_path / "h.csv", "A,1,1,40,0", "A,1,2,40,0")),
        "--courtyard", "都市A座")  # fmt: skip

    async def seat(telegram_id: int, room: str, status: MembershipStatus) -> None:
        from datetime import UTC, datetime

        engine = create_engine(cli.database_url)
        try:
            async with session_factory(engine)() as session, session.begin():
                now = datetime.now(UTC)
                user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
                if user is None:
                    user = User(telegram_id=telegram_id, name=str(telegram_id), created_at=now)
                    session.add(user)
                    await session.flush()
                home = await session.scalar(select(Household).where(Household.room == room))
                assert home is not None
                session.add(
                    Membership(
                        user_id=user.id,
                        household_id=home.id,
                        relation="owner",
                        status=status,
                        requested_at=now,
                    )
                )
        finally:
            await engine.dispose()

    asyncio.run(seat(1, "1", MembershipStatus.APPROVED))
    asyncio.run(seat(1, "2", MembershipStatus.APPROVED))  # one person, two homes: one member
    asyncio.run(seat(2, "2", MembershipStatus.APPROVED))
    asyncio.run(seat(3, "1", MembershipStatus.PENDING))  # not a member yet

    assert "households: 2  members: 2" in cli("courtyards").out


def test_run_without_a_token(cli: Cli) -> None:
    run = cli("run")
    assert run.code == 2
    lines = run.err.strip().splitlines()
    assert len(lines) == 1
    assert "BOT_TOKEN" in lines[0]


@pytest.mark.parametrize(
    ("name", "value"),
    [("TIMEZONE", "Mars/Base"), ("QUIET_HOURS", "abc"), ("DATABASE_URL", "mysql://x")],
)
def test_a_malformed_setting_is_one_line(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv(name, value)

    run = cli("courtyards")

    assert run.code == 2
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert name in lines[0]
    assert "Traceback" not in run.err
    assert TOKEN not in run.out + run.err
    assert "NEVER-PRINT" not in run.out + run.err


def test_the_token_is_never_printed(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("BOT_USERNAME", "yard_bot")  # no network call for the username
    outputs = [
        cli("migrate"),
        cli("add", "都市A座"),
        cli("invite", "都市A座"),
        cli("grant", "admin", "--user", "1"),
        cli("courtyards"),
        cli("grant", "mayor", "--user", "1"),
    ]
    for run in outputs:
        assert "NEVER-PRINT" not in run.out + run.err


def test_unknown_command_is_an_argparse_error(cli: Cli) -> None:
    run = cli("fly")
    assert run.code == 2
    assert "invalid choice" in run.err


@pytest.mark.parametrize("command", ["run", "send"])
def test_a_malformed_token_is_one_line(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("BOT_TOKEN", "NEVER-PRINT-this-is-no-token")

    run = cli(command)

    assert run.code == 2
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert "BOT_TOKEN" in lines[0]
    assert "malformed" in lines[0]
    assert "Traceback" not in run.err
    assert "TokenValidationError" not in run.err
    assert "NEVER-PRINT" not in run.out + run.err


def test_grant_help_lists_the_roles_with_their_chinese_names(cli: Cli) -> None:
    run = cli("grant", "--help")
    assert run.code == 0
    text = " ".join(run.out.split())  # argparse wraps lines
    for role, name in [
        ("grid_leader", "网格长"),
        ("repair", "维修组"),
        ("customer_service", "客服"),
        ("finance", "财务"),
        ("supervisor", "监督委员会"),
        ("admin", "服务中心"),
    ]:
        assert f"{role} ({name})" in text
    assert "resident (" not in text  # residents join by invite, not by a grant


def test_the_governance_choices_are_the_stores() -> None:
    from bot.cli import GOVERNANCE
    from models import GovernanceKind

    assert tuple(g.value for g in GovernanceKind) == GOVERNANCE


@pytest.mark.parametrize("argv", [["--help"], ["courtyards"], ["add", "文化路5号院"]])
def test_the_cli_and_its_store_commands_start_without_the_bot_framework(
    tmp_path: Path, argv: list[str]
) -> None:
    """aiogram takes seconds to import: only `run` and `demo` may load it."""
    probe = (
        "import sys\n"
        "from bot.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('aiogram', 'aiohttp'))\n"
        "print('LOADED', loaded[:3])\n"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}",
        "DEFAULT_LOCALE": "en",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "LOADED []" in result.stdout, result.stdout + result.stderr


def test_a_semicolon_file_is_imported_and_a_wrong_header_is_explained(
    cli: Cli, tmp_path: Path
) -> None:
    cli("add", "文化路5号院")
    good = tmp_path / "homes.csv"
    good.write_text("楼栋;单元;房号;面积\n1号楼;1单元;101;80\n", encoding="utf-8")
    assert cli("import-households", str(good), "--courtyard", "文化路5号院").code == 0
    assert cli.count(Household) == 1

    bad = tmp_path / "bad.csv"
    bad.write_text("楼;单元号;房间;面积\n1号楼;1单元;102;80\n", encoding="utf-8")
    run = cli("import-households", str(bad), "--courtyard", "文化路5号院")
    assert run.code == 1
    assert "line 1: missing column(s): building, unit, room" in run.err
    assert "“楼” “单元号” “房间” “面积”" in run.err
    assert "separated by “;”" in run.err
    assert "the file is empty" not in run.err
    assert cli.count(Household) == 1


def test_import_problems_in_chinese(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEFAULT_LOCALE", "zh_Hans")
    cli("add", "文化路5号院")
    path = households_csv(
        tmp_path / "homes.csv",
        "1号楼,1单元,101,,0",
        "1号楼,1单元,102,80,②",
        "1号楼,1单元,103,1e9999999,0",
    )
    run = cli("import-households", str(path), "--courtyard", "文化路5号院")
    assert run.code == 1
    assert "第 2 行：面积为空" in run.err
    assert "第 3 行：车位数 ② 不是整数" in run.err
    assert "第 4 行：面积 1e9999999 不是有效的正数（平方米）" in run.err
    assert "Traceback" not in run.err
    assert cli.count(Household) == 0


def test_a_broken_workbook_is_one_line(cli: Cli, tmp_path: Path) -> None:
    cli("add", "文化路5号院")
    path = tmp_path / "homes.xlsx"
    path.write_bytes(b"this is not a zip file")
    run = cli("import-households", str(path), "--courtyard", "文化路5号院")
    assert run.code == 1
    assert run.err.strip().splitlines() == ["The file is not a readable .xlsx workbook."]
