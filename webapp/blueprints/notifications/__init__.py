"""Notifications: the outbox page, the SMTP sender and the reminders (plain functions that need no
request, plus `flask send-outbox` and `flask send-reminders`)."""
