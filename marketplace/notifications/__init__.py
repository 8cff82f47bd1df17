"""Notifications: the outbox, e-mail delivery, and the page list of a user's own.

kinds (the registry: how each kind reads, whether it is urgent, where it leads), outbox
(notify(): rows written in the caller's transaction), delivery (claim, send, retry with backoff;
digests; handing out again what a lost task left), mail (build and send one e-mail), links
(where a notification about a row leads, per role), pages (/notifications and its settings).
"""
