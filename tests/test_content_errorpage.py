"""Error, removal and anti-bot answers are told from real (short) notices."""

from __future__ import annotations

import pytest

from monitor.content.errorpage import error_page_reason

ERROR_PAGES = [
    ("", "對不起，您所訪問的頁面已被刪除或不存在！ 5秒後自動返回首頁"),
    ("页面不存在", "您访问的页面不存在，请返回首页。"),
    ("Notice", "Sorry, the page you requested has been removed or does not exist."),
    ("404", "404 Not Found. The page you are looking for was not found."),
    ("Just a moment...", "Checking your browser before accessing the site. Enable JavaScript and cookies to continue."),
    ("", "이 기사는 삭제된 기사입니다."),
    ("오류", "요청하신 페이지를 찾을 수 없습니다."),
    ("Ошибка", "Страница не найдена. Возможно, она была удалена."),
    ("Notice", "Home | 中文 | English | Sitemap\n\nPorts of Jilin\n\nHunchun Tumen Ji'an\n\nHot topics\n\n"
               "Typhoon warning raised for southern coast\n\nSorry, the page you requested has been removed or "
               "does not exist.\n\nPlease check the address, or return to the home page.\n\nCopyright © 2026 "
               "Jilin Provincial Port Office. All Rights Reserved. ICP No. 05000123 | Visitors: 12,345"),
]
REAL_NOTICES = [
    ("K27 resumes", "The K27 train resumes on March 12. Tickets are sold at the Beijing station window."),
    ("关于恢复开行的公告", "自2026年3月12日起，恢复开行北京至平壤K27/K28次国际旅客列车。"),
    ("운행 재개", "평양-모스크바 직통 객차가 매월 3일과 17일 운행한다."),
    ("Расписание", "Поезд № 651 будет отправляться по вторникам и пятницам."),
    ("Long page", "The page you requested has been removed, said the clerk. " + "Trains run daily. " * 100),
]


@pytest.mark.parametrize(("title", "text"), ERROR_PAGES)
def test_error_answers_are_recognised(title: str, text: str) -> None:
    assert error_page_reason(title, text) is not None


@pytest.mark.parametrize(("title", "text"), REAL_NOTICES)
def test_real_notices_are_not_error_pages(title: str, text: str) -> None:
    assert error_page_reason(title, text) is None
