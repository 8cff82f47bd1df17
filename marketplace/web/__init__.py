"""Web helpers every page uses, with no domain of their own.

access (@roles / @public on every view, get_own_or_404), forms (validators with translated
messages, EmptyForm), labels (how codes read in templates), navigation (each role's home, safe
`next` targets), pagination, routing (the <id:...> converter), security (response headers) and
templating (aria attributes for fields). transactions holds the one transaction owner of every
POST route.
"""
