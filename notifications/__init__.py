"""Notifications: devices, in-app inbox, preferences, push (firebase-admin), SMS fallback and the reminder outbox."""
