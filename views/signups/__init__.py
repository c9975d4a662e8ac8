"""How sign-ups look: the residents' list and event cards with slot buttons, the grid
leader's draft and check-in list, the spreadsheet, and the outbox messages."""
