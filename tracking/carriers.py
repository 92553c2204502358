"""Carriers a customer may recognise: the name to show and where the carrier's own tracking page is.

Shipments name their carrier by a short code (`ups`, `postnord`, …) as integrators and bridges send
it. A carrier missing here is still shown, by its code in title case, with no outbound link: a
guessed URL that 404s is worse than none. Adding a carrier is one line in `CARRIERS`.
"""

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str
    # `{number}` is replaced by the URL-quoted tracking number.
    tracking_url: str = ""

    def url_for(self, tracking_number: str) -> str:
        if not self.tracking_url or not tracking_number:
            return ""
        return self.tracking_url.format(number=quote(tracking_number.strip(), safe=""))


CARRIERS: dict[str, Carrier] = {
    c.code: c
    for c in (
        Carrier("ups", "UPS", "https://www.ups.com/track?tracknum={number}"),
        Carrier("usps", "USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}"),
        Carrier("fedex", "FedEx", "https://www.fedex.com/fedextrack/?trknbr={number}"),
        Carrier("dhl", "DHL", "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}"),
        Carrier(
            "dhl_express", "DHL Express", "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}"
        ),
        Carrier("dhl_ecommerce", "DHL eCommerce", "https://webtrack.dhlecs.com/?trackingnumber={number}"),
        Carrier("postnord", "PostNord", "https://tracking.postnord.com/tracking.html?id={number}"),
        Carrier("bring", "Bring", "https://tracking.bring.com/tracking/{number}"),
        Carrier("budbee", "Budbee", "https://tracking.budbee.com/{number}"),
        Carrier("instabox", "Instabox", "https://track.instabox.io/{number}"),
        Carrier("dpd", "DPD", "https://tracking.dpd.de/status/en_US/parcel/{number}"),
        Carrier("gls", "GLS", "https://gls-group.com/track/{number}"),
        Carrier("royal_mail", "Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/{number}"),
        Carrier("canada_post", "Canada Post", "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}"),
        Carrier("australia_post", "Australia Post", "https://auspost.com.au/mypost/track/details/{number}"),
        Carrier("ontrac", "OnTrac", "https://www.ontrac.com/tracking/?number={number}"),
        Carrier("lasership", "LaserShip", "https://www.lasership.com/track/{number}"),
        Carrier("amazon", "Amazon Logistics"),
    )
}
# Spellings integrators send for the same carrier.
ALIASES = {
    "dhl-express": "dhl_express",
    "dhlexpress": "dhl_express",
    "dhl-ecommerce": "dhl_ecommerce",
    "post_nord": "postnord",
    "royalmail": "royal_mail",
    "canadapost": "canada_post",
    "auspost": "australia_post",
    "amazon_logistics": "amazon",
}


def carrier_for(code: str) -> Carrier:
    """The registered carrier for `code` (case and separators ignored), else one named after the code."""
    key = (code or "").strip().lower().replace(" ", "_")
    key = ALIASES.get(key, key)
    known = CARRIERS.get(key) or CARRIERS.get(key.replace("-", "_"))
    if known is not None:
        return known
    readable = (code or "").replace("_", " ").replace("-", " ").strip()
    name = readable.upper() if len(readable) <= 3 else readable.title()
    return Carrier(code=code or "", name=name or "Carrier")
