#!/usr/bin/env python3
"""Writes corpus.jsonl: labelled texts for DetectorCorpusTests. Deterministic (fixed seed); re-run after editing.

Each line: {"text": ..., "expect": [{"id": detector id, "value": exact text}], "kind": what the line tests}; known limits
also carry "observed": what the detectors report instead, so the documented limits are checked too.
Labels are the truth (what a careful human would call PII or a secret), not what the detectors happen to do."""
import base64, json, os, random, string

rnd = random.Random(20261202)
lines = []


def add(text, expect=(), kind="positive", observed=None):
    line = {"text": text, "expect": [{"id": i, "value": v} for i, v in expect], "kind": kind}
    if observed is not None:
        line["observed"] = [{"id": i, "value": v} for i, v in observed]  # what the detectors do instead (known limits)
    lines.append(line)


def luhn_ok(s):
    total = 0
    for i, c in enumerate(reversed(s)):
        d = int(c)
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def luhn_complete(prefix):
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


def digits(n):
    return "".join(rnd.choice(string.digits) for _ in range(n))


def alnum(n, alphabet=string.ascii_letters + string.digits):
    return "".join(rnd.choice(alphabet) for _ in range(n))


# ---------- email
emails = ["bob.smith@example.com", "jane_doe+ops@mail.corp.example.org", "a@b.io", "c.d@e-f.co.uk", "HR-Team@Example.COM",
          "x1234@sub.domain.example.net", "o'brien@example.ie", "first.last@company.travel", "ops@acme.de",
          "support@startup.io", "finance.emea@bigcorp.example", "j.garcía@correo.es", "admin@192-168-1-1.example.com",
          "noreply@notifications.github.com", "user%tag@example.org", "long.name.with.dots@very.deep.sub.example.co.jp"]
email_templates = ["Send the report to {v} by Friday.", "cc: {v}", "Contact: <{v}>", "{{\"to\": \"{v}\"}}", "Email {v}, thanks.",
                   "Forward it to {v}; also ping the team.", "Reply-To: {v}\n"]
for e in emails:
    add(rnd.choice(email_templates).format(v=e), [("email", e)])
add("reply to john [at] example [dot] com", [("email", "john [at] example [dot] com")], "adversarial")
add("mail jane(at)corp(dot)example(dot)org", [("email", "jane(at)corp(dot)example(dot)org")], "adversarial")
add("to bob\u200b@exa\u200dmple.com now", [("email", "bob\u200b@exa\u200dmple.com")], "adversarial")
add("ｂｏｂ＠ｅｘａｍｐｌｅ．ｃｏｍ please", [("email", "ｂｏｂ＠ｅｘａｍｐｌｅ．ｃｏｍ")], "adversarial")
add("Two: a@b.io and c.d@e-f.co.uk.", [("email", "a@b.io"), ("email", "c.d@e-f.co.uk")])

# ---------- phone
phones = ["+1 555-123-4567", "+15551234567", "+44 20 7946 0958", "+49 (0)30 1234567", "+33 1 23 45 67 89", "+31 6 12345678",
          "+34 612 345 678", "+91 98765 43210", "+61 2 9876 5432", "+81 3-1234-5678", "0044 20 7946 0958", "(555) 123-4567",
          "555-123-4567", "555.123.4567", "555 123 4567", "1-800-555-0199", "020 7946 0958", "01 23 45 67 89", "01.23.45.67.89",
          "06-12345678", "(030) 1234567", "0171 1234567", "089 12345678", "+358 40 1234567", "+46 70 123 45 67"]
phone_templates = ["Call {v} after lunch.", "Phone: {v}", "reach me on {v} tomorrow", "{{\"phone\": \"{v}\"}}",
                   "Tel. {v} (office)", "mobile {v}"]
for p in phones:
    add(rnd.choice(phone_templates).format(v=p), [("phone", p)])
add("mobile: 07700900123", [("phone", "07700900123")])
add("tel 612 345 678", [("phone", "612 345 678")])
add("call me at +1 555 123 4567 or 020 7946 0958", [("phone", "+1 555 123 4567"), ("phone", "020 7946 0958")])
add("whatsapp +4915112345678", [("phone", "+4915112345678")])

# ---------- IBAN
IBAN_LENGTHS = {"DE": 22, "GB": 22, "FR": 27, "ES": 24, "NL": 18, "IT": 27, "BE": 16, "AT": 20, "CH": 21, "SE": 24, "NO": 15,
                "PL": 28, "PT": 25, "IE": 22, "FI": 18, "DK": 18, "LU": 20, "GR": 27, "SA": 24, "AE": 23}


def iban(cc):
    n = IBAN_LENGTHS[cc] - 4
    bban = (alnum(4, string.ascii_uppercase) if cc in ("GB", "NL", "IE") else digits(4)) + digits(n - 4)
    num = int("".join(str(int(c, 36)) for c in bban + cc + "00"))
    return f"{cc}{98 - num % 97:02d}{bban}"


def grouped(s, size=4):
    return " ".join(s[i:i + size] for i in range(0, len(s), size))


iban_templates = ["Pay to {v} today.", "IBAN: {v}", "beneficiary account {v}, ref 2026-12", "{{\"iban\": \"{v}\"}}", "Konto {v}."]
bad_ibans = []
for cc in IBAN_LENGTHS:
    for form in (lambda s: s, grouped):
        v = form(iban(cc))
        add(rnd.choice(iban_templates).format(v=v), [("iban", v)])
    good = iban(cc)
    bad_ibans.append(good[:2] + f"{(int(good[2:4]) + 1) % 100:02d}" + good[4:])
for b in bad_ibans:
    add(f"IBAN: {b}", [], "checksum-fails")

# ---------- payment cards
brands = [("4", 16), ("4", 13), ("4", 19), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16), ("34", 15), ("37", 15),
          ("6011", 16), ("65", 16), ("3528", 16), ("3589", 19), ("36", 14), ("62", 16), ("2200", 16)]


def card(prefix, n):
    return luhn_complete(prefix + digits(n - len(prefix) - 1))


card_templates = ["Card {v} expired", "charge {v} for the renewal", "pan={v}", "{{\"card\": \"{v}\"}}", "Visa/MC: {v}."]
for prefix, n in brands:
    c = card(prefix, n)
    forms = [c]
    if n == 16:
        forms += [grouped(c), "-".join(c[i:i + 4] for i in range(0, 16, 4))]
    if n == 15:
        forms += [f"{c[:4]} {c[4:10]} {c[10:]}"]
    for v in forms:
        add(rnd.choice(card_templates).format(v=v), [("payment-card", v)])
    bad = c[:-1] + str((int(c[-1]) + 1) % 10)
    add(f"Card {bad} on file", [], "checksum-fails")
add("Card 4111 1111 1111 1111 123 CVV", [("payment-card", "4111 1111 1111 1111")])
add("pay 4111\u200b1111\u200b1111\u200b1111 now", [("payment-card", "4111\u200b1111\u200b1111\u200b1111")], "adversarial")
add("card 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 spaced out", [("payment-card", "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1")], "adversarial")
add("full-width ４１１１ １１１１ １１１１ １１１１", [("payment-card", "４１１１ １１１１ １１１１ １１１１")], "adversarial")

# ---------- national ids
DNI = "TRWAGMYFPDXBNJZSQVHLCKE"
for _ in range(6):
    n = digits(8)
    add(f"DNI {n}{DNI[int(n) % 23]}", [("national-id.es", n + DNI[int(n) % 23])])
    p = rnd.choice("XYZ")
    m = digits(7)
    v = p + m + DNI[int(str("XYZ".index(p)) + m) % 23]
    add(f"NIE del solicitante: {v}.", [("national-id.es", v)])
    add(f"DNI {n}{DNI[(int(n) + 1) % 23]}", [], "checksum-fails")

HETU = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def rand_date(y0, y1):
    import datetime
    d = datetime.date(y0, 1, 1) + datetime.timedelta(days=rnd.randrange((datetime.date(y1, 12, 31) - datetime.date(y0, 1, 1)).days))
    return d


for _ in range(6):
    d = rand_date(1950, 2015)
    sign = ("-" if d.year < 2000 else "A") if rnd.random() < 0.7 else ("Y" if d.year < 2000 else "B")
    ind = f"{rnd.randrange(2, 900):03d}"
    base = d.strftime("%d%m%y")
    v = base + sign + ind + HETU[int(base + ind) % 31]
    add(f"Henkilötunnus {v}", [("national-id.fi", v)])
    add(f"HETU {base + sign + ind + HETU[(int(base + ind) + 1) % 31]}", [], "checksum-fails")

for _ in range(6):
    d = rand_date(1940, 2010)
    body = d.strftime("%y%m%d") + digits(3)
    check = next(c for c in "0123456789" if luhn_ok(body + c))
    short = f"{body[:6]}-{body[6:]}{check}"
    long_ = d.strftime("%Y") + short[2:]
    add(f"personnummer {short}", [("national-id.se", short)])
    add(f"Personnummer: {long_}.", [("national-id.se", long_)])
    add(f"personnummer {body[:6]}-{body[6:]}{(int(check) + 1) % 10}", [], "checksum-fails")


def eleven(s):
    return (sum((9 - i) * int(s[i]) for i in range(8)) - int(s[8])) % 11 == 0


bsns = []
while len(bsns) < 6:
    s = str(rnd.randrange(1, 9)) + digits(8)
    if eleven(s):
        bsns.append(s)
for s in bsns:
    add(f"BSN {s}", [("national-id.nl", s)])
    add(f"burgerservicenummer: {s[:4]}.{s[4:6]}.{s[6:]}", [("national-id.nl", f"{s[:4]}.{s[4:6]}.{s[6:]}")])
    add(f"order {s} shipped", [], "negative")  # passes the eleven-proof; an order number is not a BSN

VD = [[0,1,2,3,4,5,6,7,8,9],[1,2,3,4,0,6,7,8,9,5],[2,3,4,0,1,7,8,9,5,6],[3,4,0,1,2,8,9,5,6,7],[4,0,1,2,3,9,5,6,7,8],
      [5,9,8,7,6,0,4,3,2,1],[6,5,9,8,7,1,0,4,3,2],[7,6,5,9,8,2,1,0,4,3],[8,7,6,5,9,3,2,1,0,4],[9,8,7,6,5,4,3,2,1,0]]
VP = [[0,1,2,3,4,5,6,7,8,9],[1,5,7,6,2,8,3,0,9,4],[5,8,0,3,7,9,6,1,4,2],[8,9,1,6,0,4,3,5,2,7],[9,4,5,3,1,2,6,8,7,0],
      [4,2,8,6,5,7,3,9,0,1],[2,7,9,3,8,0,6,4,1,5],[7,0,4,6,9,1,3,2,5,8]]


def verhoeff_ok(s):
    c = 0
    for i, ch in enumerate(reversed(s)):
        c = VD[c][VP[i % 8][int(ch)]]
    return c == 0


for _ in range(6):
    b = str(rnd.randrange(2, 10)) + digits(10)
    v = next(b + d for d in "0123456789" if verhoeff_ok(b + d))
    add(f"Aadhaar {v[:4]} {v[4:8]} {v[8:]}", [("national-id.in", f"{v[:4]} {v[4:8]} {v[8:]}")])
    add(f"aadhaar no. {v}", [("national-id.in", v)])
    bad = next(b + d for d in "0123456789" if not verhoeff_ok(b + d))
    add(f"Aadhaar {bad[:4]} {bad[4:8]} {bad[8:]}", [], "checksum-fails")

# ---------- IP addresses
for ip in ["192.168.1.10", "10.0.0.1", "172.16.254.3", "8.8.8.8", "203.0.113.42", "127.0.0.1", "1.2.3.4", "255.255.255.0"]:
    add(rnd.choice(["host {v} is down", "allow {v}/32", "connect to {v}:8080", "from {v}, then retry", "{{\"ip\": \"{v}\"}}"]).format(v=ip), [("ipv4", ip)])
for ip in ["2001:db8::1", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "fe80::1ff:fe23:4567:890a", "::1", "::ffff:192.0.2.1",
           "2606:4700:4700::1111", "2a00:1450:4001:82b::200e", "fd12:3456:789a:1::1", "2001:db8:0:0:1:0:0:1"]:
    add(rnd.choice(["route {v} via gw", "AAAA record {v}", "[{v}]:443 is open"]).format(v=ip), [("ipv6", ip)])

# ---------- JWT


def b64url(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


for alg in ["HS256", "RS256", "ES256", "none", "PS512"]:
    tok = b64url({"alg": alg, "typ": "JWT"}) + "." + b64url({"sub": alnum(8), "iat": rnd.randrange(1_600_000_000, 1_800_000_000)}) + "." + (
        "" if alg == "none" else base64.urlsafe_b64encode(bytes(rnd.randrange(256) for _ in range(32))).decode().rstrip("="))
    add(rnd.choice(["Authorization: Bearer {v}", "token={v}&x=1", "{{\"id_token\":\"{v}\"}}", "use {v} to log in"]).format(v=tok), [("jwt", tok)])

# base64 of JSON is not a JWT without an "alg", but it may carry credentials (a dockerconfigjson does): high-entropy.
add("eyJub3QiOiJhIHRva2VuIn0.eyJzdWIiOiJib2IifQ.abc is not a token", [("high-entropy", "eyJub3QiOiJhIHRva2VuIn0")], "by-design")
for _ in range(4):
    tok = b64url({"alg": "HS256"}) + "." + b64url({"sub": alnum(6), "exp": rnd.randrange(1_700_000_000, 1_900_000_000), "scope": "read write"}) + "." + alnum(43, string.ascii_letters + string.digits + "_-")
    if tok[-1] in "_-":
        tok = tok[:-1] + "x"
    add(f"curl -H 'Authorization: Bearer {tok}' https://api.example.com", [("jwt", tok)])

# ---------- API keys
keys = [
    "AKIA" + alnum(16, string.ascii_uppercase + "234567"), "ASIA" + alnum(16, string.ascii_uppercase + "234567"),
    "ghp_" + alnum(36), "gho_" + alnum(36), "ghs_" + alnum(36), "github_pat_" + alnum(22) + "_" + alnum(59),
    "glpat-" + alnum(20), "xoxb-" + digits(12) + "-" + digits(13) + "-" + alnum(24), "xoxp-" + digits(12) + "-" + alnum(24),
    "sk_live_" + alnum(24), "rk_live_" + alnum(24), "sk_test_" + alnum(24), "AIza" + alnum(35, string.ascii_letters + string.digits + "_-"),
    "sk-proj-" + alnum(48, string.ascii_letters + string.digits + "_-"), "sk-" + alnum(48), "sk-ant-api03-" + alnum(80, string.ascii_letters + string.digits + "_-"),
    "npm_" + alnum(36), "hf_" + alnum(34), "SG." + alnum(22) + "." + alnum(43), "shpat_" + alnum(32, "0123456789abcdef"),
    "dop_v1_" + alnum(64, "0123456789abcdef"),
]
for k in keys:
    if k[-1] in "_-":
        k = k[:-1] + "x"
    add(rnd.choice(["use {v} for the deploy", "API_KEY={v}", "{{\"key\": \"{v}\"}}", "the key is {v}."]).format(v=k), [("api-key", k)])

# ---------- high entropy (secrets no prefix rule knows)
for n in [24, 32, 40, 44, 64, 88]:
    for _ in range(3):
        tok = base64.b64encode(bytes(rnd.randrange(256) for _ in range(n * 3 // 4))).decode()
        add(rnd.choice(["blob {v} end", "config value {v} is set", "{{\"data\": \"{v}\"}}"]).format(v=tok), [("high-entropy", tok)])
for tmpl, v in [("secret: {v}", alnum(32, "0123456789abcdef")), ("password={v}", "Tr0ub4dor&3"[:0] + alnum(18)),
                ("api key {v}", "550e8400-e29b-41d4-a716-446655440000"), ("Authorization: Bearer {v}", alnum(40)),
                ("token: {v}", alnum(24, string.ascii_lowercase + string.digits))]:
    add(tmpl.format(v=v), [("high-entropy", v)])

# ---------- private keys and cloud credentials
pem_body = "\n".join(base64.b64encode(bytes(rnd.randrange(256) for _ in range(48))).decode() for _ in range(4))
for label in ["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "PGP PRIVATE KEY BLOCK"]:
    k = f"-----BEGIN {label}-----\n{pem_body}\n-----END {label}-----"
    add(f"here is the key:\n{k}\nthanks", [("private-key", k)])
esc = "-----BEGIN PRIVATE KEY-----\\n" + pem_body.replace("\n", "\\n") + "\\n-----END PRIVATE KEY-----\\n"
add(json.dumps({"type": "service_account", "project_id": "p", "private_key": "PLACEHOLDER", "client_email": "sa@p.iam.gserviceaccount.com"})
    .replace("PLACEHOLDER", esc), [("private-key", esc), ("email", "sa@p.iam.gserviceaccount.com")])
add("truncated: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC", [("private-key", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC")])
aws_secret = alnum(40, string.ascii_letters + string.digits + "/+")
add(f"aws_secret_access_key = {aws_secret}", [("cloud-credential", aws_secret)])
add(f"export AWS_SECRET_ACCESS_KEY={aws_secret}", [("cloud-credential", aws_secret)])
acct = base64.b64encode(bytes(rnd.randrange(256) for _ in range(64))).decode()
add(f"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={acct};EndpointSuffix=core.windows.net", [("cloud-credential", acct)])
sak = base64.b64encode(bytes(rnd.randrange(256) for _ in range(32))).decode()
add(f"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey={sak}", [("cloud-credential", sak)])
sig = alnum(43) + "%3D"
add(f"https://a.blob.core.windows.net/c/f?sv=2022-11-02&ss=b&srt=o&sig={sig}", [("cloud-credential", sig)])

add(f"[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {aws_secret}\n",
    [("api-key", "AKIAIOSFODNN7EXAMPLE"), ("cloud-credential", aws_secret)])
add(f'{{"AccessKeyId": "ASIAY34FZKBOKMUTVV7A", "SecretAccessKey": "{aws_secret[::-1]}"}}',
    [("api-key", "ASIAY34FZKBOKMUTVV7A"), ("cloud-credential", aws_secret[::-1])])
pkid = alnum(40, "0123456789abcdef")
add(f'{{"type": "service_account", "private_key_id": "{pkid}"}}', [("cloud-credential", pkid)])

# ---------- mixed requests
add("Refund bob@example.com to DE89 3704 0044 0532 0130 00 and text him on +44 20 7946 0958.",
    [("email", "bob@example.com"), ("iban", "DE89 3704 0044 0532 0130 00"), ("phone", "+44 20 7946 0958")], "mixed")
add("Deploy v10.0.401 on 2026-12-02 to 10.1.2.3 with key AKIAIOSFODNN7EXAMPLE; ticket 1234567.",
    [("ipv4", "10.1.2.3"), ("api-key", "AKIAIOSFODNN7EXAMPLE")], "mixed")
add('{"tool": "mailer", "args": {"to": "ops@acme.de", "cc": ["hr@acme.de"], "body": "card 4111 1111 1111 1111 expires 12/27"}}',
    [("email", "ops@acme.de"), ("email", "hr@acme.de"), ("payment-card", "4111 1111 1111 1111")], "mixed")

# ---------- negatives: things that look like data but are not PII or secrets
negatives = [
    "Released on 2026-12-02 at 10:30.", "Timestamp 2026-12-02T10:30:00Z", "2026-12-02T10:30:00.123+01:00 started", "on 02/12/2026 and 12.02.2026",
    "date 20261202, time 103000", "Q1 2026 budget", "FY2026 Q4 results", "between 2024 and 2026", "at 10:30:00 sharp", "duration PT90S",
    "Version 1.2.3", "release v10.0.401", "SDK 10.0.401", "version 10.0.19041.1", "v1.2.3.4 shipped", "build 4.5.6.7", "nginx:1.25.3",
    "node:20.11.1-alpine", "^1.2.3 || ~2.0.0", "python 3.12.1", "OID 1.3.6.1.4.1.311",
    "request 550e8400-e29b-41d4-a716-446655440000", "id 123E4567-E89B-12D3-A456-426614174000",
    "commit 3f9a1c0e7b2d4a6f8e1c3b5d7a9f0e2c4b6d8e0f", "short sha 3f9a1c0", "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "md5 d41d8cd98f00b204e9800998ecf8427e", "Price $1,234,567.89", "EUR 1 234 567,00", "costs €1.234,56", "50% off, 3 for 2",
    "Order 0123-456-7890 shipped", "Order #0123 456 7890 shipped", "invoice 0123456789", "order 20261202-0042", "ticket 1234567 closed",
    "ORD-2026-000123", "tracking 1Z999AA10123456784", "ISBN 978-3-16-148410-0", "account id 123456789012 in arn:aws:iam::123456789012:role/Admin",
    "unix 1733135400 and ms 1733135400000", "coordinates 52.5200, 13.4050", "room 42 at 10:30 with 3 people", "ratio 1:2:3",
    "MAC 00:1a:2b:3c:4d:5e", "C++ std::vector and Foo::Bar", "color #1a2b3c", "class ProcessingQueueWorker2024Handler",
    "call getUserById2FromCache", "ISO8601DateTimeFormatter", "A very-long-hyphenated-identifier-without-digits stays.",
    "path src/ApprovalOrchestrator.Core/Detection/Detectors", "Windows10Enterprise2024H2Update",
    "pod my-app-7d4b9c8f5d-x2k9p restarted", "task-force and sk-8 and skip-this", "npm install @angular/core@17.0.1",
    "user@localhost has no domain", "see @bob in the channel", "the private key is stored in the vault",
    "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----",
    "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----",
    "<img src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\">",
    "aws_secret_access_key = <your key here>", "AccountKey=short", "pk_live_4eC39HqLyjWDarjtT1zdp7dc is publishable",
"Summarize our AI governance policy for internal use.",
    "Draft an email to finance asking for confirmation of the Q1 cloud budget.", "Send an email to all employees that payroll will be delayed by 2 days.",
    "Scale the deployment to 12 replicas in eu-west-1.", "Refund order 88231 for 49.99 EUR.", "CVE-2024-3094 affects xz 5.6.0 and 5.6.1",
    "ports 8080-8090 and 443", "error code 0x80070005", "latency p99 531 ms, p50 441 ms", "serial 0123-4567-8901-23",
    "temperature -12.5 to +30.2", "+2026-12-02 offset", "chapter 1.2.3.4 of the spec", "RFC 9457 and RFC 4291", "in 2026, 15 to 20 people",
    "tel aviv office opens 2027", "score 98765 43210 points", "See section 4.2.1.3 and chapter 1.2.3.4.",
    "Meeting 09:00-10:30 CET, 2026-12-02", "2026/12/02 14:05:33", "Mon, 02 Dec 2026 10:30:00 GMT", "week 49 of 2026", "H1 2026 vs H2 2025",
    "Q3FY26 review", "sprint 2026.49", "v2.0.0-rc.1+build.5", "kernel 6.1.0-27-amd64", ".NET 10.0.100-rc.2.25502.107",
    "image sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "etag W/\"5e8a1f3c2b\"",
    "Stripe price_1NqXyZ2eZvKYlo2C and prod_NWjs8kKbJWmuuc", "customer cus_9s6XKzkNRiz8i3", "ORD-9F3K2-2026", "SKU AB-1234-XY",
    "order 5551234567 is ready", "Order #555-123-4567", "ref 0123 456 7890", "50 000 units at 1 250 EUR", "pi = 3.14159265358979",
    "lat 48.8566 lon 2.3522", "10.5% of 1,234,567", "1e-9 tolerance", "x86_64 and arm64", "UTF-8, ISO-8859-1", "HTTP/1.1 200 OK",
    "resolution 1920x1080 at 60Hz", "uuid 6ba7b810-9dad-11d1-80b4-00c04fd430c8 and 6BA7B811-9DAD-11D1-80B4-00C04FD430C8",
    "ulid 01ARZ3NDEKTSV4RRFFQ69G5FAV",
    "youtube dQw4w9WgXcQ", "docker tag myorg/api:2026.12.02-3f9a1c0", "branch feature/ABC-1234-add-detectors",
    "Kubernetes1Dot29UpgradePlan", "UTF8JsonReaderOptions2026", "OAuth2ClientCredentialsFlow", "X509Certificate2Collection",
    "SHA256WithRSAEncryption", "getElementById2024", "Html5VideoPlayerWidget", "MyComponentV2Test",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host is a public key",
    "hash $2b$12$abcdefghijklmnopqrstuu", "regex ^[A-Za-z0-9+/]{40}$", "base64 of hello is aGVsbG8=",
    "SSN-like 078-05-1120 has no checksum", "NHS 943 476 5919 has no detector", "zip 10115 Berlin, 75008 Paris",
    "IBAN format is CCkk BBBB BBBB BBBB BBBB BB", "card ending in 1111", "last four 4242", "CVV 123",
]
for n in negatives:
    add(n, [], "negative")

# ---------- known limits: labelled with the truth, kept so the figures with them are honest; the test checks the
# detectors still behave as documented here (docs/guardrails.md "What the detectors miss").
known_fp = [
    ("ksuid 0ujtsYcgvSTl8PAuAdqWYSMnLOv", [("high-entropy", "0ujtsYcgvSTl8PAuAdqWYSMnLOv")]),  # random ids look like secrets
    ("nanoid V1StGXR8_Z5jdHi6B-myT", [("high-entropy", "V1StGXR8_Z5jdHi6B-myT")]),
    ("firmware-less quad 1.2.3.4 in a changelog", [("ipv4", "1.2.3.4")]),  # a four-part version with no version word
    ("git remote git@github.com:org/repo.git", [("email", "git@github.com")]),  # scp-style remotes look like addresses
    ("lottery draw 212 555 0100 tonight", [("phone", "212 555 0100")]),  # any 3-3-4 grouping is North American
    ("see RFC 1918 range 10.0.0.0", [("ipv4", "10.0.0.0")]),  # a network, not a host: still reported as ipv4 (kept on purpose)
]
for text, got in known_fp:
    add(text, [], "known-false-positive", got)
known_miss = [
    ("write to john at example dot com", [("email", "john at example dot com")]),
    ("personnummer 8112189876", [("national-id.se", "8112189876")]),  # no separator
    ("nummer 111222333", [("national-id.nl", "111222333")]),  # BSN without a BSN word
    ("Pedro: 612 345 678", [("phone", "612 345 678")]),  # Spanish 3-3-3 without a phone word
    ("password: hunter2", [("high-entropy", "hunter2")]),  # short, low-entropy passwords
    ("the token is all letters qwertzuiopasdfghjklyxcvbnm", [("high-entropy", "qwertzuiopasdfghjklyxcvbnm")]),
    ("digest 3f9a1c0e7b2d4a6f8e1c3b5d7a9f0e2c4b6d8e0f is a Mailgun-style hex key", [("high-entropy", "3f9a1c0e7b2d4a6f8e1c3b5d7a9f0e2c4b6d8e0f")]),
    ("card split 4111 1111\n1111 1111 over lines", [("payment-card", "4111 1111\n1111 1111")]),
    ("IBAN DE89-3704-0044-0532-0130-00 with dashes", [("iban", "DE89-3704-0044-0532-0130-00")]),
]
for text, truth in known_miss:
    add(text, truth, "known-miss", [])

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus.jsonl")
with open(path, "w", encoding="utf-8") as f:
    for line in lines:
        f.write(json.dumps(line, ensure_ascii=False) + "\n")
print(f"{len(lines)} lines -> {path}")
