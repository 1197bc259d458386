"""Multi-step operator actions (forms, reviews, confirmations) that end in a mutation."""
