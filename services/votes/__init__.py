"""Votes on plans (投票): drafting and opening with a snapshot of who may vote, casting and
entering ballots (one per household, or per owner for Civil Code Art. 278 matters), counting in
exact integers, reminders, closing, the objection period, and adopting a winning fee plan."""
