"""Proposals: a consultant proposes a candidate for a job; the company answers.

lifecycle (propose with the pitch screened, accept, decline, withdraw; the lists; reminders
and expiry run by the sweep; the proposal notification kinds).
"""
