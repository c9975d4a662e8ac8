"""State machines as data: which action may move a thing from which state to which, and who
may do it. Tickets use it now; bills, votes and events use it next.

A machine is a table over two enums, the states and the actions of one kind of thing, and a
third, the parties a person can be in towards that thing:

    class BillState(enum.StrEnum): DRAFT = "draft"; ISSUED = "issued"; PAID = "paid"; ...
    class BillAction(enum.StrEnum): ISSUE = "issue"; PAY = "pay"; VOID = "void"; ...
    class BillParty(enum.StrEnum): FINANCE = "finance"; HOUSEHOLD = "household"; ...

    BILLS = StateMachine(
        {
            BillAction.ISSUE: Transition({BillState.DRAFT}, BillState.ISSUED, {BillParty.FINANCE}),
            BillAction.PAY: Transition({BillState.ISSUED}, BillState.PAID, {BillParty.FINANCE}),
            BillAction.REMIND: Transition({BillState.ISSUED}, SAME, {BillParty.FINANCE},
                                          when=lambda bill: not bill.reminded_today),
        }
    )

- `who` is a set of parties (any one of them may) or a predicate over the parties a person
  holds, for rules like "the finance clerk, unless they also live in the household".
- `when` is an optional condition on the thing itself beyond its state (a vote's deadline not
  passed, a ticket not yet rated); it receives whatever the caller passes as `subject`.
- Services call `check(...)` before a change and get the state to move to, or a
  `TransitionRefused` saying why not (the state, the party, or the condition); they translate
  it into their own messages. Views call `actions_for(...)` to show only the buttons that
  would be allowed, in the table's order. The service checks again when a button is tapped:
  the state machine decides at tap time, not the message the button sits on.
- The table is data: tests and documentation can read it (`table`, `sources`, `target`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from services.errors import N_, DomainError

S = TypeVar("S", bound=enum.Enum)  # states
A = TypeVar("A", bound=enum.Enum)  # actions
P = TypeVar("P", bound=enum.Enum)  # parties: in what capacity someone acts


class Same(enum.Enum):
    """The target of an action that changes the thing but not its state (a comment)."""

    SAME = "same"


SAME = Same.SAME


class Refusal(enum.StrEnum):
    STATE = "state"  # not from this state
    PARTY = "party"  # not by this person
    CONDITION = "condition"  # not now: the `when` condition is false


class TransitionRefused(DomainError):
    """An action the machine does not allow; `refusal` says which rule said no."""

    message = N_("This can no longer be done: it has changed meanwhile.")

    def __init__(self, state: enum.Enum, action: enum.Enum, refusal: Refusal) -> None:
        super().__init__(state=state.value, action=action.value)
        self.state = state
        self.action = action
        self.refusal = refusal


@dataclass(frozen=True, init=False)
class Transition(Generic[S, P]):
    sources: frozenset[S]
    target: S | Same
    who: frozenset[P] | Callable[[AbstractSet[P]], bool]
    when: Callable[[Any], bool] | None
    event: str | None  # what the event log calls it ("claimed"); None: the action's value

    def __init__(
        self,
        sources: Iterable[S],
        target: S | Same,
        who: Iterable[P] | Callable[[AbstractSet[P]], bool],
        *,
        when: Callable[[Any], bool] | None = None,
        event: str | None = None,
    ) -> None:
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "who", who if callable(who) else frozenset(who))
        object.__setattr__(self, "when", when)
        object.__setattr__(self, "event", event)

    def permits(self, parties: AbstractSet[P]) -> bool:
        if callable(self.who):
            return self.who(parties)
        return not self.who.isdisjoint(parties)


class StateMachine(Generic[S, A, P]):
    """A transition table; see the module docstring."""

    def __init__(self, table: Mapping[A, Transition[S, P]]) -> None:
        self.table: dict[A, Transition[S, P]] = dict(table)

    def sources(self, action: A) -> frozenset[S]:
        return self.table[action].sources

    def target(self, state: S, action: A) -> S:
        """The state after `action` from `state` (the same one for SAME)."""
        target = self.table[action].target
        return state if isinstance(target, Same) else target

    def event(self, action: A) -> str:
        return self.table[action].event or str(action.value)

    def refusal(
        self, state: S, action: A, parties: AbstractSet[P], subject: Any = None
    ) -> Refusal | None:
        """Why `action` may not be done now, or None when it may. Who is asked first, so a
        stranger learns nothing about the state."""
        transition = self.table[action]
        if not transition.permits(parties):
            return Refusal.PARTY
        if state not in transition.sources:
            return Refusal.STATE
        if transition.when is not None and not transition.when(subject):
            return Refusal.CONDITION
        return None

    def can(self, state: S, action: A, parties: AbstractSet[P], subject: Any = None) -> bool:
        return self.refusal(state, action, parties, subject) is None

    def check(self, state: S, action: A, parties: AbstractSet[P], subject: Any = None) -> S:
        """The state to move to, or `TransitionRefused`."""
        refusal = self.refusal(state, action, parties, subject)
        if refusal is not None:
            raise TransitionRefused(state, action, refusal)
        return self.target(state, action)

    def actions_for(self, state: S, parties: AbstractSet[P], subject: Any = None) -> list[A]:
        """What these parties may do now, in the table's order: the buttons to show."""
        return [a for a in self.table if self.can(state, a, parties, subject)]
