"""Fetches a console page and reads it the way a browser's tokenizer would (Python's html.parser),
then prints what a person would see and what could run, as JSON:
  {"status", "csp", "start_tags", "text", "links", "style_sha256", "unclosed"}

usage: read_html_page.py URL [COOKIE]   (COOKIE: name=value, sent as the Cookie header)
"""
import base64
import hashlib
import json
import sys
import urllib.request
from html.parser import HTMLParser

VOID = {"meta", "br", "img", "input", "link", "hr", "wbr"}


class Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.start_tags, self.text, self.links, self.styles, self.open = [], [], [], [], []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        self.start_tags.append(tag)
        attributes = dict(attrs)
        if tag == "a":
            self.links.append(attributes.get("href"))
        for name in attributes:
            if name.startswith("on"):
                self.start_tags.append("event-handler:" + name)
        if tag == "style":
            self.in_style = True
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.open.append("mismatched:" + tag)

    def handle_data(self, data):
        (self.styles if self.in_style else self.text).append(data)


request = urllib.request.Request(sys.argv[1])
if len(sys.argv) > 2:
    request.add_header("Cookie", sys.argv[2])
with urllib.request.urlopen(request, timeout=10) as response:
    status, csp = response.status, response.headers.get("Content-Security-Policy")
    page = response.read().decode("utf-8")
reader = Reader()
reader.feed(page)
reader.close()
style = "".join(reader.styles)
print(json.dumps({
    "status": status,
    "csp": csp,
    "start_tags": reader.start_tags,
    "text": " ".join(" ".join(reader.text).split()),
    "links": reader.links,
    "style_sha256": base64.b64encode(hashlib.sha256(style.encode()).digest()).decode(),
    "unclosed": reader.open,
}))
