"""The drop-in embed UI (CONTRACT §9): the loader script, the framed app page and its CSP.

Everything the UI does goes through the public embed API with the end user's session token;
these views only serve static code and the page that hosts it.
"""
