"""Events with sign-up (活动报名): gatherings with time slots of a capacity each, sign-ups per
person (a grid leader signs up an offline neighbour by name), waiting lists promoted in order,
the organizer's check-in list, and the reminder the day before. No Telegram here."""
