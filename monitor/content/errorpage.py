"""Answers that look like pages but are failures: "page removed", "not found", anti-bot checks.

Such an answer often comes with HTTP 200.  Recording it as the document's new
text would make a false change now and another when the real page returns,
so the recorder treats it as a failed fetch.
"""

from __future__ import annotations

import re

__all__ = ["error_page_reason"]

# Phrases of error, removal and anti-bot pages in the four languages the product reads.
_ERROR_PHRASES = re.compile(
    r"page (?:you (?:requested|are looking for) )?(?:was |has been )?(?:not found|removed|deleted)"
    r"|(?:page|article|document|content) (?:you requested )?(?:does not|doesn't|no longer) exists?"
    r"|has been (?:removed|deleted) or does not exist|no longer available|404 not found|\b404\b.{0,20}error"
    r"|access (?:denied|forbidden)|request (?:was )?blocked|verify (?:that )?you are (?:a )?human"
    r"|checking your browser|enable javascript and cookies|captcha"
    r"|页面不存在|頁面不存在|页面已被?删除|頁面已被?刪除|已被删除或不存在|已被刪除或不存在|您访问的页面|您訪問的頁面"
    r"|找不到(?:该|該)?页面|找不到(?:该|該)?頁面|无法访问|無法訪問|访问被拒绝|訪問被拒絕|安全验证|安全驗證|验证码|驗證碼"
    r"|페이지를 찾을 수 없|존재하지 않는 (?:페이지|기사)|삭제된 (?:페이지|기사)|접근이 (?:거부|제한)"
    r"|страница не найдена|страница (?:была )?удалена|не существует|доступ (?:запрещ|огранич)|проверка браузера",
    re.IGNORECASE,
)
# An error page says little besides its message; the menus and footers of a page
# without a content container may come with it.
_SHORT = 1500


def error_page_reason(title: str, text: str) -> str | None:
    """Why ``text`` (a page's main text, with its ``title``) is an error answer, or None."""
    if len(text) > _SHORT:
        return None
    match = _ERROR_PHRASES.search(text) or _ERROR_PHRASES.search(title)
    if match is None:
        return None
    return f'the page says "{match.group(0)}"'
