"""Citizen identity profiles, form prefill with consent, and external identity sources."""
