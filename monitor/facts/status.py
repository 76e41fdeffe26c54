"""Service status of a clause, and the cues that make a sentence state no fact at all."""

from __future__ import annotations

import datetime
import re

from .gate import gated

__all__ = [
    "clause_status",
    "has_service_cue",
    "is_before_era",
    "is_hearsay",
    "is_historical",
    "is_other_mode",
    "is_past_context",
    "is_resumption",
    "is_special_train",
    "opens_in_past",
    "tickets",
]

_CANCELLED = gated(
    r"\bcancel+(?:ed|s|ation)?\b|\bdiscontinu|\bscrapped\b|\baxed\b|\bwithdrawn\b|取消|撤销|撤銷|(?<![暂暫])停办|(?<![暂暫])停辦"
    r"|폐지|운행\s*취소|отмен[а-яё]*|снят[аоы]?\s+с\s+курсирования|упраздн",
    re.I,
)
_SUSPENDED = gated(
    r"\bsuspen(?:d|ds|ded|sion|ding)\b|\bhalt(?:s|ed)?\b|\bpaus(?:e|es|ed)\b|\bstop(?:s|ped)?\s+running\b"
    r"|\bno\s+longer\s+(?:run|operat)|\bout\s+of\s+service\b|\buntil\s+further\s+notice\b|\bwill\s+not\s+run\b"
    r"|\bclosed\s+to\s+(?:passenger|traffic)|\bhalted\b|\bon\s+hold\b|\bwill\s+not\s+operate\b|\bwon't\s+(?:run|operate)\b"
    r"|\bstop(?:s|ped)?\s+(?:operating|service|operations)\b|\bhas\s+been\s+stopped\b"
    r"|停运|停運|停驶|停駛|(?:暂停|暫停)(?!办理|辦理|售票|发售|發售|受理|营业|營業|服务|服務)|停开|停開|中断|中斷|停止运行|停止運行|停止开行|停止開行|停行"
    r"|운행\s*(?:이|을|도)?\s*중단|운행\s*중지|운휴|중단(?:된|됐|되|한|했|하)|운행하지\s*않|멈추|멈춘|멈췄|끊기|끊긴|끊겼"
    r"|приостан|прекращ[аеё]|прекрат|не\s+будет\s+курсировать|временно\s+не\s+курсир",
    re.I,
)
_RESUMED = gated(
    r"\bresum(?:e|es|ed|ing|ption)\b|\brestart(?:s|ed|ing)?\b|\breopen(?:s|ed|ing)?\b|\brestor(?:e|es|ed|ing)\b"
    r"|\brelaunch|\breturn(?:s|ed|ing)?\s+(?:on|from|to\s+service|with)|\bback\s+(?:in|into)\s+service\b"
    r"|\bre-?establish|\breinstat|\brelaunch|\bback\s+on\s+track\b"
    r"|\b(?:run|runs|running|ran|operat\w*|roll\w*)\s+again\b|\b(?:is|are|comes?|came)\s+back\b|\bback\s+after\b"
    r"|恢复|恢復|重启|重啟|复驶|復駛|复开|復開|复运|復運|重新开行|重新開行|重开|重開"
    r"|재개|복원|재운행|다시\s*운행|운행을?\s*다시"
    r"|возобнов|восстанов|вновь\s+(?:будет\s+)?курсир|снова\s+(?:будет\s+)?курсир",
    re.I,
)
_RUNS = gated(
    r"\bruns?\b|\brunning\b|\boperat(?:e|es|ed|ing|ion)\b|\bin\s+service\b"
    r"|开行|開行|运行|運行|运营|運營|(?:开通|開通)(?!仪式|儀式|时间|時間|日期|事宜|一事|问题|問題)|通车|通車|发车|發車|开出|開出|首发|首發|首趟|双向开行"
    r"|운행(?:한다|하며|하고|된다|되며|되고|돼|중|하는|되는|할|될|을\s*시작|했|됐|하였|되었)|운영|다닌다|오간다|왕복"
    r"|달린다|달리는|달렸|첫\s*운행|개통"
    r"|курсир|ходит|ходят|будет\s+ходить|отправля|отправит|следует|следуют|запущ|запуска[а-яё]|запуст"
    r"|운행\s*중(?!단|지)|운행을?\s*(?:이어\s*가|계속)|정상\s*운행",
    re.I,
)
_NOT_A_SERVICE = gated(r"\bline\s+runs\b|\broad\b|\bbridge\s+runs\b|\bpipeline\b", re.I)
# Other modes of transport: a sentence about them states nothing about a train service.
_OTHER_MODE = gated(
    r"\bflights?\b|\bairlines?\b|\bair\s+(?:route|link|service)s?\b|\bbus(?:es)?\b|\bferr(?:y|ies)\b"
    r"|\btrucks?\b|\bcargo\s+ships?\b|航班|航线|航線|客机|客機|巴士|大巴|客轮|客輪|货车|貨車|卡车|卡車"
    r"|항공|비행기|버스|여객선|트럭|авиа|самол[её]т|автобус|паром|грузовик",
    re.I,
)
_TICKETING = gated(
    r"\bticket|\bsales?\b|\bbooking|售票|购票|購票|订票|訂票|车票|車票|退票|예매|매표|승차권|билет|касс|продаж",
    re.I,
)
_RAIL = gated(
    r"\btrains?\b|\brail|\bcarriages?\b|\bsleeper|\bshuttle\b|列车|列車|火车|火車|铁路|鐵路|班列|车次|車次|动车|動車"
    r"|열차|렬차|철도|객차|기차|поезд|вагон|железнодорож|электрич|ж/д|РЖД",
    re.I,
)
_PLANNED = gated(
    r"\bplan(?:s|ned|ning)?\s+to\b|\bplanned\b|\bintend|\bsoon\b|\bshortly\b|\bin\s+the\s+near\s+future\b"
    r"|\bat\s+an\s+early\s+date\b|\bin\s+due\s+course\b|\bpreparations?\b"
    r"|计划|計劃|计画|拟于|擬於|即将|即將|尽快|儘快|尽早|儘早|近期|适时|適時|择机|擇機|筹备|籌備"
    r"|계획|조만간|곧|가까운\s*시일|준비\s*중|추진"
    r"|планир|в\s+ближайшее\s+время|намерен|скоро|готовит",
    re.I,
)
_FUTURE = gated(
    r"\bwill\b|\bwould\b|\bshall\b|\bto\s+resume\b|\bset\s+to\b|\bis\s+to\b|\bare\s+to\b|将|將|예정|할\s*것|될\s*것|될\s*계획"
    r"|будет|будут|возобновит",
    re.I,
)
# "date of resumption to be announced", 恢复开行时间另行公告, 재개 시기는 추후 공지
_DEFERRED = gated(
    r"\bto\s+be\s+(?:announced|determined|confirmed|notified)\b|\bno\s+date\b|\bnot\s+(?:yet\s+)?(?:been\s+)?set\b"
    r"|\bwill\s+be\s+(?:announced|given|released|notified)\s+(?:later|separately)|\bfurther\s+notice\b"
    r"|另行(?:公告|通知|公布)|待定|另行安排|추후\s*(?:공지|발표|안내)|미정|아직\s*정해지지"
    r"|будет\s+сообщено|дополнительно\s+сообщ|сообщим\s+дополнительно|пока\s+не\s+определ",
    re.I,
)
_NEGATED = gated(
    r"\bnot\b|\bno\b(?!\.)|\bnever\b|n't\b|\bneither\b|\bnor\b|尚未|未能|没有|沒有|并未|並未|不会|不會"
    r"|않|못|없|아직|\bне\b|\bнет\b|\bни\b",
    re.I,
)
_MAY = gated(r"\bmay\s+(?:be|have|resume|restart|run|operate|not|soon|reopen|start|return|begin)\b")
_HEARSAY = gated(
    r"\bcould\b|\bmight\b|\bwould\s+(?:like|need|have|be\s+(?:possible|likely))\b|\bas\s+early\s+as\b|\breportedly\b|\brumou?r|\bspeculat"
    r"|\bmedia\s+report|\breports?\s+(?:that|say|said|suggest)|\bthere\s+(?:are|were)\s+reports\b"
    r"|\baccording\s+to\s+(?:media|reports|sources|people|a\s+person|residents|witnesses|analysts)"
    r"|\bfamiliar\s+with\b|\bis\s+said\s+to\b|\bexpected\s+to\b|\blikely\b|\bunlikely\b|\bconsider(?:s|ed|ing)?\b"
    r"|\bstud(?:y|ying|ies)\b|\bdiscuss(?:ed|ing|ion|ions)?\b|\bpropos(?:al|ed|es)\b|\bhop(?:e|es|ed|ing)\b"
    r"|\beyes\b|\bfloat(?:s|ed)?\b|\bon\s+paper\b|\bwish\b|\bif\b|\bwhether\b|\?"
    r"|可能|或将|或將|或许|或許|据传|據傳|传闻|傳聞|传言|有望|考虑|考慮|研究|探讨|探討|商讨|商討|据报道|據報道"
    r"|报道称|報道稱|媒体|媒體|消息人士|如果|是否|？"
    r"|가능성|전망|관측|검토|소식통|것으로\s*(?:보인|알려|전해)|예상|추측|보도에\s*따르면|되면|할지|여부|논의"
    r"|могут|может|возможно|по\s+слухам|слух|по\s+данным\s+(?:СМИ|источник)|рассматрива|обсужда|не\s+исключ"
    r"|ожида|предполага|вероятно|если|якобы"
    # unconfirmed or unofficial word, "when to expect", "no decision has been taken"
    r"|\bunofficial|\bunconfirmed\b|\bnot\s+(?:yet\s+)?(?:been\s+)?confirmed\b|\bno\s+decision\b|\bwhen\s+to\s+expect\b"
    r"|^\s*[传傳](?![统統真送达達播输輸承授染])|最早(?:于|於|在|将|將|可|可能)?\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*[月日号號]"
    r"|最早(?:于|於|在|将|將)?(?:今年|明年|下月|年内|年底|年中)|非官方|未经证实|未經證實|尚未(?:证实|證實|确认|確認)|尚未(?:作出|做出)?决定"
    r"|비공식|확인되지\s*않|결정되지\s*않|언제쯤"
    r"|(?<![а-яё])ждать|неофициальн|не\s+подтвер|решени[а-яё]*[^.]{0,60}не\s+(?:был[оаи]?\s+)?принима"
    r"|предположени",
    re.I,
)
_SPECIAL = gated(
    r"\barmou?red\s+train|\bspecial\s+train|\bprivate\s+train|\bleader'?s\s+train|\bpresidential\s+train"
    r"|\btrial\s+(?:run|trip|operation|service)|\btest\s+(?:run|train|trip)"
    r"|专列|專列|特别列车|特別列車|试运行|試運行|试跑|試跑|试验列车|试运营|試運營"
    r"|특별\s*열차|특별\s*렬차|전용\s*열차|전용\s*렬차|1호\s*열차|시험\s*운행|시운전|시범\s*운행"
    r"|бронепоезд|спецпоезд|литерн|специальн\w+\s+поезд|пробн\w+\s+(?:рейс|поезд)|тестов\w+\s+(?:рейс|поезд)"
    # a leader's or a delegation's journey by train
    r"|\b(?:leader|delegation|president|chairman)\b[^.]{0,80}\btrain|\btrain\b[^.]{0,80}\b(?:leader|delegation)\b"
    r"|(?:领导人|領導人|代表团|代表團|委员长|委員長)[^。]{0,40}(?:列车|列車)|(?:列车|列車)[^。]{0,40}(?:领导人|代表团)"
    r"|(?:위원장|지도자|대표단)[^.]{0,40}(?:열차|렬차)"
    r"|(?:лидер|делегаци|руководител)\w*[^.]{0,60}поезд|поезд\w*[^.]{0,60}(?:лидер|делегаци)",
    re.I,
)
# Sentences about the time before the suspension ("Before the pandemic, the train ran …").
_BEFORE_ERA = gated(
    r"\bbefore\s+(?:the\s+)?(?:pandemic|covid\S*|coronavirus|outbreak|border\s+closure|closure|suspension)"
    r"|\bprior\s+to\s+(?:the\s+)?(?:pandemic|covid\S*|closure|suspension|(?:19|20)\d\d)|\bpre-?pandemic"
    r"|\b(?:before|until|till)\s+(?:19|20)\d\d|\bin\s+the\s+past\b|\bused\s+to\b"
    r"|疫情(?:前|之前|以前)|新冠(?:前|之前)|以往|停运前|停運前"
    r"|이전에는|이전엔|과거에는|코로나\S*\s*이전|중단\s*전"
    r"|до\s+(?:пандеми|covid|коронавирус|закрыти|приостановк)|в\s+прошлом",
    re.I,
)
_HISTORY = gated(
    r"\bfirst\s+(?:ran|run|opened|launched|introduced)\b|\bused\s+to\b|\bhistor|\bdecades?\b|\bin\s+the\s+past\b"
    r"|\bbefore\s+(?:19|20)\d\d\b|\buntil\s+(?:19|20)\d\d\b|\bsince\s+(?:19|20)\d\d\b|\bin\s+(?:19|20)\d\d\b"
    r"|曾经|曾經|历史|歷史|上世纪|上世紀|年代|首次开行|首次開行"
    r"|역사|과거|한때|처음\s*운행"
    r"|истори|когда-то|в\s+прошлом|до\s+(?:19|20)\d\d|впервые",
    re.I,
)
# Past context that explains an old suspension ("after the pandemic", "had been suspended").
_PAST_CONTEXT = gated(
    r"\bhad\s+been\b|此前|以前|(?:코로나\S*|확산)\s*이후\s*운행이\s*중단|그동안|ранее",
    re.I,
)
_YEAR = gated(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_NOT_SUSPENDED = gated(
    r"\bnot\s+(?:be\s+|been\s+)?(?:suspend|halt)|\bno\s+suspension|未停运|没有停运|不停运|не\s+приостан"
    r"|중단되지\s*않",
    re.I,
)
_SERVICE = gated(
    r"\btrains?\b|\bservices?\b|\bshuttle\b|\bcars?\b|\bcarriages?\b|\bcoach(?:es)?\b|\bpassengers?\b"
    r"|\bfreight\b|\broute\b|\bdepartures?\b|\bround\s+trips?\b|\bjourney\b|\b[KTZDGCYL]\d{1,4}\b|№"
    r"|列车|列車|火车|火車|班列|车次|車次|旅客|客车|客車|货物|貨物|开行|開行|运行|運行"
    r"|열차|렬차|객차|여객|화물|운행|노선|편도|출발"
    r"|поезд|вагон|курсир|рейс|пассажир|отправл|расписан",
    re.I,
)
_SOLD_OUT = gated(r"\bsold\s+out\b|售罄|售完|卖完|賣完|一票难求|매진|распродан|билетов\s+нет", re.I)
_BUSINESS_VISA = gated(
    r"business\s+visa|商务签证|商務簽證|비즈니스\s*비자|상용\s*비자|деловой\s+виз|деловые\s+визы", re.I
)


def clause_status(clause: str, *, dated: bool) -> str | None:
    """The status a clause states, or None. `dated` says whether its sentence gives a date."""
    ticketing = _TICKETING.search(clause)
    if ticketing and not _RAIL.search(clause):
        return None  # "ticket sales are suspended" is not the train
    # Each pattern is searched once: a clause is tested against most of them.
    suspended = _SUSPENDED.search(clause)
    cancelled = _CANCELLED.search(clause)
    stop = suspended or cancelled
    if ticketing and stop and ticketing.start() < stop.start():
        return None  # "online ticket sales for the train are suspended"
    if not suspended and _DEFERRED.search(clause):
        return None
    if _NOT_A_SERVICE.search(clause):
        return None
    negated = bool(_NEGATED.search(clause))
    if cancelled and not negated:
        return "cancelled"
    if _RESUMED.search(clause) and not negated:
        if not dated and (_PLANNED.search(clause) or _FUTURE.search(clause)):
            return "planned"
        return "operating"
    if suspended:
        return None if _NOT_SUSPENDED.search(clause) else "suspended"
    if negated or not _RUNS.search(clause):
        return None
    return "planned" if not dated and _PLANNED.search(clause) else "operating"


def is_resumption(clause: str) -> bool:
    """Whether a clause speaks of a service coming back (resumes, 恢复, 재개, возобновляется)."""
    return bool(_RESUMED.search(clause))


def is_other_mode(sentence: str) -> bool:
    """Flights, buses, ferries or trucks, with no train in the sentence."""
    return bool(_OTHER_MODE.search(sentence)) and not _RAIL.search(sentence)


def is_hearsay(sentence: str) -> bool:
    """Rumour, speculation, questions and conditionals state no fact."""
    return bool(_HEARSAY.search(sentence) or _MAY.search(sentence))


def is_special_train(sentence: str) -> bool:
    """A leader's special train, a trial or test run: not a scheduled service."""
    return bool(_SPECIAL.search(sentence))


def is_historical(clause: str, published: datetime.date | None) -> bool:
    """A mention of the past ("first ran in 1954", "before 2020", a past year).

    Call it with full dates masked out: a year inside a stated date is not history.
    """
    if _HISTORY.search(clause):
        return True
    ref_year = published.year if published else datetime.date.today().year
    return any(int(y) < ref_year for y in _YEAR.findall(clause))


# A sentence that opens with a time phrase (上世纪八十年代，…; In the 1980s, …; В 1980-е годы …;
# 1980년대에는 …; 2019年，…): that phrase governs the whole sentence, not only its first clause.
_OPENING_ERA = gated(
    r"^\W{0,3}(?:早在|在)?(?:上世[纪紀]\S{0,8}|(?:19|20)?\d0\s*年代|[一二三四五六七八九]十年代|(?:19|20)\d\d\s*年(?!\s*\d{1,2}\s*月))"
    r"|^\W{0,3}(?:back\s+)?(?:in|during|by|throughout)\s+(?:the\s+)?(?:(?:early|late|mid-?)\s*)?(?:(?:19|20)\d0s|(?:19|20)\d\d\b(?!\s*[-/.]\d))"
    r"|^\W{0,3}(?:ещ[её]\s+)?(?:в|во)\s+(?:(?:19|20)\d0-?(?:[ех]|ые|ых)\s+(?:год|гг)|(?:19|20)\d\d\s+(?:году|г\.))"
    r"|^\W{0,3}(?:(?:19|20)\d0\s*년대|(?:19|20)\d\d\s*년(?!\s*\d{1,2}\s*월))",
    re.I,
)


def opens_in_past(sentence: str, published: datetime.date | None) -> bool:
    """A sentence governed by an opening time phrase in the past ("In the 1980s, the train ran …")."""
    m = _OPENING_ERA.search(sentence)
    if m is None:
        return False
    phrase = m.group(0)
    return bool(re.search(r"年代|上世|\d0s\b|\d0-?[ех]|\d0-?ы|년대", phrase)) or is_historical(phrase, published)


def is_before_era(sentence: str) -> bool:
    """A sentence about how things were before the suspension (and not about a return)."""
    return bool(_BEFORE_ERA.search(sentence)) and not _RESUMED.search(sentence)


def is_past_context(clause: str) -> bool:
    """Background that explains an old suspension; a suspension stated with it is stale."""
    return bool(_PAST_CONTEXT.search(clause))


def has_service_cue(sentence: str) -> bool:
    """Whether a sentence speaks of a train service at all."""
    return bool(_SERVICE.search(sentence))


def tickets(sentence: str) -> str | None:
    """Ticket restrictions: "sold out", "business visa holders only"."""
    parts = []
    if _SOLD_OUT.search(sentence):
        parts.append("sold out")
    if _BUSINESS_VISA.search(sentence):
        parts.append("business visa holders only")
    return "; ".join(parts) or None
