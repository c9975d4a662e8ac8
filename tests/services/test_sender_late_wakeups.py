"""The sender on a busy machine: every pacing sleep wakes a little late. The overall rate
stays at the configured one (late wake-ups are not added to every message), and no second
ever holds more than Telegram's 30 messages."""

from __future__ import annotations

from harness import World
from test_sender import add_users, delivered, enqueue, most_in_window

from bot.sender import OutboxSender, SenderSettings


async def test_late_wakeups_do_not_slow_the_rate(world: World) -> None:
    residents = list(range(9000, 9200))
    ids = await add_users(world, residents)
    for t in residents:
        await enqueue(world, f"late:{t}", user_id=ids[t])

    async def late_sleep(seconds: float) -> None:
        world.time.advance(seconds + 0.012)  # each wake-up 12 ms late

    sender = OutboxSender(
        world.bot,
        world.sessions,
        world.i18n,
        world.policy,
        clock=world.clock,
        monotonic=world.time.monotonic,
        sleep=late_sleep,
        settings=SenderSettings(idle_wait=0.01),
    )
    await world.deliver_all(sender=sender)
    times = [s.at for s in delivered(world)]
    assert len(times) == 200
    rate = (len(times) - 1) / (max(times) - min(times))
    assert rate > 0.95 * 25  # without the planned times: 1 / (40 ms + 12 ms), about 19/s
    assert most_in_window(times, 1.0) <= 30
