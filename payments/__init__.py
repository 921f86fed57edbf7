"""Fees: checkout through a payment gateway (Stripe), webhooks, receipts, refunds and reconciliation."""
