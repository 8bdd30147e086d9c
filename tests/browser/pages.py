"""Page objects for the browser tests. Every page they open is checked with axe-core."""

import base64
import re
from dataclasses import dataclass, field

from django_otp.oath import totp
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@dataclass
class Browser:
    page: Page
    base_url: str
    checked: list[str] = field(default_factory=list)
    csp_errors: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.page.on(
            "console",
            lambda message: self.csp_errors.append(message.text) if "Content Security Policy" in message.text else None,
        )

    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.check()

    def check_copy_of(self, other: Page) -> None:
        """axe-core on a page opened with JavaScript off, where axe itself cannot run: its HTML, without scripts, is
        loaded into this (JavaScript-enabled) page at the same address and checked there."""
        html = re.sub(r"<script\b[^>]*>.*?</script>", "", other.content(), flags=re.S)
        self.page.goto(other.url.split("#")[0] + ("&" if "?" in other.url else "?") + "copy-for-axe")
        self.page.set_content(html)
        self.check()

    def assert_reflows(self) -> None:
        """Nothing makes the page scroll sideways (WCAG 2.2 1.4.10 Reflow, checked at 320 CSS pixels)."""
        width = self.page.evaluate("document.documentElement.scrollWidth")
        viewport = self.page.evaluate("window.innerWidth")
        assert width <= viewport, f"{self.page.url} is {width} px wide at {viewport} px"

    def check(self) -> None:
        """No WCAG 2.2 AA violation that axe-core can find, and nothing blocked by the CSP."""
        for attempt in range(3):
            # A click that navigates may still be loading the next page: wait for it, and try again if
            # the page changed under axe.
            self.page.wait_for_load_state("load")
            try:
                violations = self.page.evaluate(
                    "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
                    ".map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`)",
                    WCAG_22_AA,
                )
                break
            except PlaywrightError:
                if attempt == 2:
                    raise
                self.page.wait_for_timeout(300)
        assert violations == [], f"{self.page.url}: {violations}"
        assert self.csp_errors == [], f"{self.page.url}: {self.csp_errors}"
        self.checked.append(self.page.url)


class SignInPage:
    def __init__(self, browser: Browser):
        self.browser = browser

    def sign_in(self, email: str, password: str) -> None:
        self.browser.open("/accounts/sign-in/")
        self.browser.page.get_by_label("Email address").fill(email)
        self.browser.page.get_by_label("Password").fill(password)
        self.browser.page.get_by_role("button", name="Sign in").click()
        expect(self.browser.page.get_by_role("heading", name="Your assessments")).to_be_visible()
        self.browser.check()

    def sign_in_setting_up_two_factor(self, email: str, password: str) -> None:
        """First sign-in of someone who must use two-factor authentication: password, then set up an app (the
        key read from the page, as a person would type it into their app), then the recovery codes."""
        page = self.browser.page
        self.browser.open("/accounts/sign-in/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
        self.browser.check()
        expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
        key = base64.b32decode(page.locator("#secret-key").inner_text().replace(" ", ""))
        page.get_by_label("Security code").fill(f"{totp(key):06d}")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="Two-factor authentication is on")).to_be_visible()
        expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10)
        self.browser.check()
        page.get_by_role("link", name="I have saved my recovery codes").click()
        expect(page.get_by_role("heading", name="Your assessments")).to_be_visible()


class ThemePage:
    def __init__(self, browser: Browser):
        self.browser = browser
        self.page = browser.page

    @property
    def title(self) -> str:
        return self.page.locator("h1").inner_text()

    def questions(self):
        return self.page.locator("[data-question]")

    def choose_level(self, index: int, level: int) -> None:
        self.questions().nth(index).get_by_label(f"Level {level}:").check()

    def choose_level_for(self, key: str, level: int) -> None:
        self.page.locator(f"#question-{key}").get_by_label(f"Level {level}:").check()

    def type_evidence(self, index: int, text: str) -> None:
        self.questions().nth(index).locator("textarea").fill(text)

    def wait_until_saved(self) -> None:
        expect(self.page.locator("#autosave-status")).to_contain_text("All changes saved")

    def answer_all(self, level: int) -> None:
        for index in range(self.questions().count()):
            self.choose_level(index, level)
        self.wait_until_saved()

    def save_and_continue(self) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Save and continue").click()
        self.browser.check()
