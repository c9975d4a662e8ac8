"""Every reminder a household can get, in both languages, stays polite and lawful: it names the
amount, the months and a date and the lawful next step, and never threatens to cut water,
power, heating or gas, to stop a lift or to take parking away (Civil Code Art. 944; courts
extend the rule to lifts and parking). The one line allowed to name parking is the bill's own
breakdown line of the parking space fee (车位管理费)."""

from __future__ import annotations

from datetime import date

import pytest
from aiogram.utils.i18n import I18n

from models import ReminderAnswer, ReminderStage
from services.fees.reminder_answers import Answered
from services.fees.reminder_messages import BillBreakdown, FeeReminderMessage, FormalNotice
from views.fees import formal_notice, reminder_replies, reminder_words
from views.fees.reminders import text_of

THREATS_ZH = (
    "停水", "停电", "停暖", "停气", "断水", "断电", "断气", "停止供", "供水", "供电", "供暖",
    "暖气", "燃气", "电梯", "车位", "停车", "门禁", "锁", "拉闸", "限制",
)  # fmt: skip
THREATS_EN = (
    "cut off", "cut the", "disconnect", "switch off", "shut off", "water", "electric",
    "power", "heating", "gas", "lift", "elevator", "parking", "access card", "lock",
)  # fmt: skip
PARKING_WORDS = ("车位", "停车", "parking")


def message(stage: ReminderStage) -> FeeReminderMessage:
    return FeeReminderMessage(
        reminder_id=7,
        stage=stage,
        courtyard="纬三路13号院",
        household="2号楼-1单元-501",
        period="2026-12",
        owed_fen=5815,
        total_owed_fen=17445,
        months=("2026-10", "2026-11", "2026-12"),
        due=date(2026, 12, 31),
        issued_on=date(2027, 3, 1),
        deadline=date(2027, 3, 8) if stage is ReminderStage.FORMAL else None,
        bill=BillBreakdown(
            area_centi_m2=7260,
            rate_per_m2=5000,
            parking_spaces=1,
            parking_fee_fen=4000,
            adjustment_percent=75,
            amount_fen=5723,
        ),
    )


def everything_a_household_reads() -> list[str]:
    texts = [text_of(message(stage)) for stage in ReminderStage if stage is not ReminderStage.VISIT]
    notice = FormalNotice(
        household="2号楼-1单元-501",
        owner_name="王阿姨",
        total_owed_fen=17445,
        months=("2026-10", "2026-11", "2026-12"),
        reachable=True,
    )
    texts.append(formal_notice.title())
    texts.append(formal_notice.page_html(notice, "纬三路13号院", "2027/3/1", "2027/3/8"))
    for answer in ReminderAnswer:
        result = Answered(
            7, "2号楼-1单元-501", "2026-12", answer, answer is ReminderAnswer.DISPUTE, 1
        )
        texts.append(reminder_replies.answered(result)[0])
        texts.append(reminder_words.answer_name(answer))
    texts.append(reminder_replies.noted())
    return texts


def threats(texts: list[str], allowed: set[str]) -> list[tuple[str, str]]:
    """(word, line) for every threatening word in a line, in the order of the words."""
    found = []
    for text in texts:
        for line in text.split("\n"):
            for word in THREATS_ZH + THREATS_EN:
                if word in PARKING_WORDS and line in allowed:
                    continue
                if word in line.lower():
                    found.append((word, line))
    return found


def breakdown_lines() -> set[str]:
    return set(reminder_words.breakdown(message(ReminderStage.NOTICE).bill))


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_no_reminder_threatens_water_power_heating_gas_lifts_or_parking(
    i18n: I18n, locale: str
) -> None:
    with i18n.context(), i18n.use_locale(locale):
        texts = everything_a_household_reads()
        allowed = breakdown_lines()
    assert threats(texts, allowed) == []
    # the parking fee line is the bill's own breakdown, and it is there
    joined = "\n".join(texts)
    assert any(line in joined for line in allowed if "¥40.00" in line)


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_the_formal_notice_names_the_amount_the_months_the_deadline_and_the_lawful_step(
    i18n: I18n, locale: str
) -> None:
    with i18n.context(), i18n.use_locale(locale):
        text = text_of(message(ReminderStage.FORMAL))
    assert "¥174.45" in text
    if locale == "en":
        assert "2026/10, 2026/11, 2026/12" in text
        assert "by 2027/3/8" in text
        assert "mediation or arbitration, or bring a claim in court, as the law allows" in text
    else:
        assert "2026年10月" in text
        assert "2027年3月8日" in text
        assert "依法申请调解、仲裁或向人民法院起诉" in text


def test_the_scan_is_not_blind() -> None:
    """A threatening line is found, and the parking words only pass on the breakdown line."""
    texts = ["逾期将停水停电", "Unpaid flats may have their lift access cut off.", "车位将被收回"]
    assert [word for word, _line in threats(texts, set())] == [
        "停水", "停电", "cut off", "lift", "车位",
    ]  # fmt: skip
    assert threats(["车位管理费：1 个 × ¥40.00"], {"车位管理费：1 个 × ¥40.00"}) == []
