"""How repair tickets look: the reporting steps, cards for the team, notices, and lists."""
