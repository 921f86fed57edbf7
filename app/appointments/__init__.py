"""Appointment booking at the centres: schedules, slots with a capacity, tickets."""
