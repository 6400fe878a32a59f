"""Active ISO 4217 currency codes, the ones a deal or quota may be priced in (SPEC section 1).

Taken from ISO 4217 list one (current currencies and funds). Left out on purpose: codes that no longer
circulate (HRK, SLL, ZWL, CUC, ...) and the two codes that are not money at all: XTS (reserved for testing)
and XXX (no currency involved).
"""

from __future__ import annotations

_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
    CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL
    GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD
    KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO
    NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD
    SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV
    WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG
    """
ACTIVE_ISO_4217_CODES: frozenset[str] = frozenset(_CODES.split())


def is_active_currency(code: str | None) -> bool:
    """True for an active ISO 4217 code, spelled exactly (upper case); a missing code is not one."""
    return code is not None and code in ACTIVE_ISO_4217_CODES
