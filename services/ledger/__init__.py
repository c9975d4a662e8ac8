"""The courtyard ledger (账目): booking entries, the hash chain and its verification, approvals of
large expenses, income posted from fee payments, the monthly disclosure (公示) and residents'
questions about its lines."""
