"""The shared state machine helper: the table decides state, party and condition."""

from __future__ import annotations

import enum

import pytest

from services.statemachine import SAME, Refusal, StateMachine, Transition, TransitionRefused


class Bill(enum.StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    PAID = "paid"


class Do(enum.StrEnum):
    ISSUE = "issue"
    PAY = "pay"
    REMIND = "remind"
    VOID = "void"


class Who(enum.StrEnum):
    FINANCE = "finance"
    HOUSEHOLD = "household"
    ADMIN = "admin"


MACHINE: StateMachine[Bill, Do, Who] = StateMachine(
    {
        Do.ISSUE: Transition({Bill.DRAFT}, Bill.ISSUED, {Who.FINANCE}),
        Do.PAY: Transition({Bill.ISSUED}, Bill.PAID, {Who.FINANCE, Who.HOUSEHOLD}, event="paid"),
        Do.REMIND: Transition({Bill.ISSUED}, SAME, {Who.FINANCE}, when=lambda late: late),
        # a predicate: finance may void, but not a bill of their own household
        Do.VOID: Transition(
            {Bill.DRAFT, Bill.ISSUED},
            Bill.DRAFT,
            lambda held: Who.ADMIN in held or (Who.FINANCE in held and Who.HOUSEHOLD not in held),
        ),
    }
)


def test_check_gives_the_next_state_or_same() -> None:
    assert MACHINE.check(Bill.DRAFT, Do.ISSUE, {Who.FINANCE}) is Bill.ISSUED
    assert MACHINE.check(Bill.ISSUED, Do.REMIND, {Who.FINANCE}, subject=True) is Bill.ISSUED
    assert MACHINE.event(Do.PAY) == "paid"
    assert MACHINE.event(Do.ISSUE) == "issue"


@pytest.mark.parametrize(
    ("state", "action", "parties", "subject", "refusal"),
    [
        (Bill.PAID, Do.PAY, {Who.FINANCE}, None, Refusal.STATE),
        (Bill.DRAFT, Do.ISSUE, {Who.HOUSEHOLD}, None, Refusal.PARTY),
        # who is asked before the state, so a stranger learns nothing about it
        (Bill.PAID, Do.ISSUE, set(), None, Refusal.PARTY),
        (Bill.ISSUED, Do.REMIND, {Who.FINANCE}, False, Refusal.CONDITION),
        (Bill.ISSUED, Do.VOID, {Who.FINANCE, Who.HOUSEHOLD}, None, Refusal.PARTY),
    ],
)
def test_check_says_which_rule_refused(
    state: Bill, action: Do, parties: set[Who], subject: object, refusal: Refusal
) -> None:
    assert not MACHINE.can(state, action, parties, subject)
    with pytest.raises(TransitionRefused) as raised:
        MACHINE.check(state, action, parties, subject)
    assert raised.value.refusal is refusal
    assert raised.value.params == {"state": state.value, "action": action.value}


def test_actions_for_lists_what_a_party_may_do_in_table_order() -> None:
    assert MACHINE.actions_for(Bill.ISSUED, {Who.FINANCE}, subject=True) == [
        Do.PAY,
        Do.REMIND,
        Do.VOID,
    ]
    assert MACHINE.actions_for(Bill.ISSUED, {Who.FINANCE}, subject=False) == [Do.PAY, Do.VOID]
    assert MACHINE.actions_for(Bill.ISSUED, {Who.HOUSEHOLD}) == [Do.PAY]
    assert MACHINE.actions_for(Bill.PAID, {Who.ADMIN, Who.FINANCE}) == []
