"""/help says what this person's roles let them do, and nothing that is not for them."""

from __future__ import annotations

from typing import Any

from harness import World
from tests_data import LEADER_ID

JOIN_HINT = "To join your courtyard, open the invite link from your grid leader."


async def test_help_for_a_newcomer_and_for_a_grid_leader(
    world: World, courtyard: dict[str, Any]
) -> None:
    newcomer = world.person("新居民", 4242, language_code="en")
    await newcomer.sends("/help")
    help_text = newcomer.last_message()
    assert JOIN_HINT in help_text
    assert "/pending" not in help_text
    assert "/tickets" not in help_text

    leader = world.person("李网格长", LEADER_ID, language_code="en")
    await leader.sends("/help")
    help_text = leader.last_message()
    assert "/pending: join requests waiting for you" in help_text
    assert "/register" in help_text
    assert "/tickets" in help_text
    assert JOIN_HINT not in help_text  # staff need no home of their own
    assert "📝 Join requests" in leader.menu()
    assert "🛠 Report a repair" not in leader.menu()
