"""Accounts: logging in, company sign-up, invitations, the team and one's own password.

pages (the "auth" blueprint: login, logout, sign-up, team, invitation acceptance, password),
forms, passwords (Argon2id hashing; the policy with zxcvbn and our own translated reasons),
sessions (server-side sessions), signup (request_signup, the signed link, register_company),
account (change_password), invitations (invite, open, accept, revoke), team (members of an
organisation; deactivate, reactivate), cvr (CVR normalisation and the modulus-11 check).
"""
