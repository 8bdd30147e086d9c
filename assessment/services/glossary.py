"""Abbreviations the question bank's texts use, spelt out for the reader of the results and the report: a chief
executive should not have to look up "MFA" or "DSPT" to act on the first lines of the action plan."""

import re
from collections.abc import Iterable

ABBREVIATIONS = {
    "AI": "artificial intelligence",
    "API": "application programming interface: a way for one system to exchange data with another",
    "ATRS": "Algorithmic Transparency Recording Standard",
    "BYOD": "bring your own device: staff use their own phones or computers for work",
    "CAA": "Civil Aviation Authority",
    "CAF": "Cyber Assessment Framework, published by the NCSC",
    "CCTV": "closed-circuit television",
    "CDDO": "Central Digital and Data Office",
    "CYOD": "choose your own device: staff choose from devices the council provides",
    "DKIM": "DomainKeys Identified Mail: signs email so that receivers can check where it came from",
    "DMARC": "Domain-based Message Authentication, Reporting and Conformance: stops others sending email as the "
    "council",
    "DNS": "Domain Name System",
    "DPIA": "data protection impact assessment",
    "DPO": "data protection officer",
    "DSE": "display screen equipment",
    "DSIT": "Department for Science, Innovation and Technology",
    "DSPT": "Data Security and Protection Toolkit, the NHS's annual data security self-assessment",
    "DWP": "Department for Work and Pensions",
    "GDPR": "General Data Protection Regulation (the UK GDPR)",
    "GIS": "geographic information system",
    "GPG": "Good Practice Guide (GPG 45 is the government's standard for checking someone's identity)",
    "HR": "human resources",
    "ICO": "Information Commissioner's Office",
    "ICT": "information and communications technology",
    "IT": "information technology",
    "JSNA": "joint strategic needs assessment",
    "LGA": "Local Government Association",
    "MFA": "multi-factor authentication: a second check, such as a code on a phone, as well as a password",
    "NCSC": "National Cyber Security Centre",
    "NHS": "National Health Service",
    "OCR": "optical character recognition: reading text from scanned documents",
    "PRSB": "Professional Record Standards Body",
    "PSN": "Public Services Network",
    "PSTN": "public switched telephone network: the analogue telephone network, being switched off",
    "RPA": "robotic process automation: software that does repetitive keyboard tasks",
    "SIRO": "Senior Information Risk Owner",
    "Socitm": "Society for Innovation, Technology and Modernisation, the professional body for people who lead "
    "digital and technology in public services",
    "SPF": "Sender Policy Framework: lists the servers allowed to send the council's email",
    "TEC": "technology-enabled care",
    "TLS": "Transport Layer Security: encrypts data sent over a network",
    "TSA": "TEC Services Association",
    "UPRN": "Unique Property Reference Number",
    "USRN": "Unique Street Reference Number",
    "VPN": "virtual private network",
    "WCAG": "Web Content Accessibility Guidelines",
    "WEEE": "waste electrical and electronic equipment",
}

# An abbreviation as a word of its own, in the plural ("APIs") or before a hyphen ("WEEE-compliant"); never inside
# another word. One pattern for them all: the texts of a whole bank are read in one pass.
_ABBREVIATION = re.compile(
    rf"(?<![\w-])({'|'.join(sorted(map(re.escape, ABBREVIATIONS), key=len, reverse=True))})s?(?!\w)"
)


def abbreviations_used(texts: Iterable[str]) -> list[tuple[str, str]]:
    """The abbreviations these texts use, each with what it stands for, in alphabetical order."""
    used = set(_ABBREVIATION.findall("\n".join(texts)))
    return [(term, ABBREVIATIONS[term]) for term in sorted(used)]
