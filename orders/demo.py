"""Demo catalogue: about forty Moroccan products, priced in SAR per pack, and demo exchange rates. Idempotent."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from orders.models import Category, ExchangeRate, Product
from orders.services import OrderError, add_photo, rate_in_force

COLOURS = {
    "argan-oil": "#c9a227",
    "beauty": "#7a5c8e",
    "spices": "#b5452b",
    "ceramics": "#2f6d8c",
    "textiles": "#a0522d",
    "home": "#4f6b3a",
}

CATEGORIES = [
    # slug, English, French, Arabic
    ("argan-oil", "Argan oil", "Huile d'argan", "زيت الأركان"),
    ("beauty", "Beauty and hammam", "Beauté et hammam", "الجمال والحمّام"),
    ("spices", "Spices and pantry", "Épices et épicerie", "التوابل والمؤونة"),
    ("ceramics", "Ceramics and tableware", "Céramique et art de la table", "الخزف وأدوات المائدة"),
    ("textiles", "Textiles", "Textiles", "المنسوجات"),
    ("home", "Home and lighting", "Maison et luminaires", "المنزل والإنارة"),
]

# fmt: off
# sku, category, English, French, Arabic, pack size, SAR price, min qty, step, HS code, stock
PRODUCTS = [
    ("ARG-COS-050", "argan-oil", "Cosmetic argan oil 50 ml", "Huile d'argan cosmétique 50 ml", "زيت أركان تجميلي 50 مل", "24 × 50 ml", "432.00", 2, 1, "151590", "in_stock"),
    ("ARG-COS-100", "argan-oil", "Cosmetic argan oil 100 ml", "Huile d'argan cosmétique 100 ml", "زيت أركان تجميلي 100 مل", "12 × 100 ml", "396.00", 2, 1, "151590", "in_stock"),
    ("ARG-CUL-250", "argan-oil", "Roasted culinary argan oil 250 ml", "Huile d'argan alimentaire torréfiée 250 ml", "زيت أركان غذائي محمّص 250 مل", "12 × 250 ml", "540.00", 1, 1, "151590", "in_stock"),
    ("ARG-CUL-500", "argan-oil", "Roasted culinary argan oil 500 ml", "Huile d'argan alimentaire torréfiée 500 ml", "زيت أركان غذائي محمّص 500 مل", "6 × 500 ml", "498.00", 1, 1, "151590", "low"),
    ("ARG-BLK-5L", "argan-oil", "Cosmetic argan oil, bulk 5 l", "Huile d'argan cosmétique, vrac 5 l", "زيت أركان تجميلي بالجملة 5 لتر", "1 × 5 l", "1450.00", 1, 1, "151590", "in_stock"),
    ("ARG-AML-250", "argan-oil", "Amlou almond and argan spread 250 g", "Amlou amandes et argan 250 g", "أملو باللوز والأركان 250 غ", "12 × 250 g", "312.00", 1, 1, "200819", "in_stock"),
    ("BTY-SAV-NOI", "beauty", "Black soap with eucalyptus 250 g", "Savon noir à l'eucalyptus 250 g", "صابون بلدي بالأوكالبتوس 250 غ", "24 × 250 g", "264.00", 2, 2, "340120", "in_stock"),
    ("BTY-SAV-ROS", "beauty", "Black soap with rose 250 g", "Savon noir à la rose 250 g", "صابون بلدي بالورد 250 غ", "24 × 250 g", "276.00", 2, 2, "340120", "in_stock"),
    ("BTY-RHS-200", "beauty", "Rhassoul clay powder 200 g", "Rhassoul en poudre 200 g", "غاسول مسحوق 200 غ", "30 × 200 g", "225.00", 1, 1, "250810", "in_stock"),
    ("BTY-ROS-200", "beauty", "Rose water from Kelaat M'Gouna 200 ml", "Eau de rose de Kelaât M'Gouna 200 ml", "ماء الورد من قلعة مكونة 200 مل", "24 × 200 ml", "288.00", 1, 1, "330190", "in_stock"),
    ("BTY-KES-001", "beauty", "Kessa exfoliating glove", "Gant de gommage kessa", "كيس الحمّام للتقشير", "50 pieces", "175.00", 1, 1, "630710", "in_stock"),
    ("BTY-HEN-100", "beauty", "Natural henna powder 100 g", "Henné naturel en poudre 100 g", "حناء طبيعية مسحوق 100 غ", "40 × 100 g", "240.00", 1, 1, "140490", "low"),
    ("BTY-PRI-050", "beauty", "Prickly pear seed oil 50 ml", "Huile de pépins de figue de Barbarie 50 ml", "زيت بذور التين الشوكي 50 مل", "12 × 50 ml", "1080.00", 1, 1, "151590", "in_stock"),
    ("BTY-GFT-SET", "beauty", "Hammam gift set (soap, glove, rhassoul)", "Coffret hammam (savon, gant, rhassoul)", "طقم الحمّام هدية (صابون، كيس، غاسول)", "12 sets", "456.00", 1, 1, "330790", "in_stock"),
    ("SPC-RAS-250", "spices", "Ras el hanout blend 250 g", "Ras el hanout 250 g", "رأس الحانوت 250 غ", "20 × 250 g", "330.00", 1, 1, "091091", "in_stock"),
    ("SPC-SAF-001", "spices", "Taliouine saffron 1 g", "Safran de Taliouine 1 g", "زعفران تالوين 1 غ", "50 × 1 g", "1375.00", 1, 1, "091020", "low"),
    ("SPC-CUM-500", "spices", "Ground cumin 500 g", "Cumin moulu 500 g", "كمون مطحون 500 غ", "10 × 500 g", "150.00", 1, 1, "090932", "in_stock"),
    ("SPC-PAP-500", "spices", "Sweet paprika 500 g", "Paprika doux 500 g", "فلفل أحمر حلو 500 غ", "10 × 500 g", "140.00", 1, 1, "090422", "in_stock"),
    ("SPC-CHE-200", "spices", "Chermoula marinade blend 200 g", "Mélange chermoula 200 g", "خلطة الشرمولة 200 غ", "20 × 200 g", "220.00", 1, 1, "091099", "in_stock"),
    ("SPC-LEM-1KG", "spices", "Preserved lemons 1 kg jar", "Citrons confits, bocal 1 kg", "ليمون مصيّر، برطمان 1 كغ", "6 × 1 kg", "198.00", 1, 1, "200899", "in_stock"),
    ("SPC-OLI-1KG", "spices", "Picholine olives 1 kg", "Olives picholine 1 kg", "زيتون بيشولين 1 كغ", "6 × 1 kg", "162.00", 1, 1, "200570", "in_stock"),
    ("SPC-TEA-500", "spices", "Gunpowder green tea with mint 500 g", "Thé vert gunpowder à la menthe 500 g", "شاي أخضر بالنعناع 500 غ", "12 × 500 g", "324.00", 1, 1, "090210", "in_stock"),
    ("SPC-HON-500", "spices", "Thyme honey 500 g", "Miel de thym 500 g", "عسل الزعتر 500 غ", "12 × 500 g", "720.00", 1, 1, "040900", "out"),
    ("SPC-DAT-1KG", "spices", "Medjool dates 1 kg", "Dattes Medjool 1 kg", "تمر مجهول 1 كغ", "10 × 1 kg", "650.00", 1, 1, "080410", "in_stock"),
    ("CER-TAG-S", "ceramics", "Hand-painted tagine, small (20 cm)", "Tajine peint à la main, petit (20 cm)", "طاجين مرسوم يدويًا، صغير (20 سم)", "6 pieces", "270.00", 1, 1, "691200", "in_stock"),
    ("CER-TAG-L", "ceramics", "Cooking tagine, large (30 cm)", "Tajine de cuisson, grand (30 cm)", "طاجين للطهي، كبير (30 سم)", "4 pieces", "248.00", 1, 1, "691200", "in_stock"),
    ("CER-PLT-SAF", "ceramics", "Safi ceramic plate 27 cm", "Assiette en céramique de Safi 27 cm", "صحن خزف آسفي 27 سم", "12 pieces", "360.00", 1, 1, "691200", "in_stock"),
    ("CER-BWL-FES", "ceramics", "Fes blue bowl 15 cm", "Bol bleu de Fès 15 cm", "زبدية فاس الزرقاء 15 سم", "12 pieces", "252.00", 1, 1, "691200", "in_stock"),
    ("CER-TEA-SET", "ceramics", "Engraved teapot and six glasses", "Théière ciselée et six verres", "براد منقوش وستة كؤوس", "4 sets", "520.00", 1, 1, "732393", "in_stock"),
    ("CER-GLS-ATY", "ceramics", "Beldi tea glasses", "Verres à thé beldi", "كؤوس شاي بلدية", "48 pieces", "216.00", 1, 1, "701337", "in_stock"),
    ("TXT-HAM-FOU", "textiles", "Cotton hammam towel (fouta)", "Fouta de hammam en coton", "فوطة حمّام قطنية", "20 pieces", "380.00", 1, 1, "630260", "in_stock"),
    ("TXT-BRB-RUG", "textiles", "Beni Ouarain wool rug 200 × 300 cm", "Tapis Beni Ouarain en laine 200 × 300 cm", "زربية بني وراين صوف 200 × 300 سم", "1 piece", "2650.00", 1, 1, "570110", "low"),
    ("TXT-KLM-CSH", "textiles", "Kilim cushion cover 45 × 45 cm", "Housse de coussin kilim 45 × 45 cm", "غطاء وسادة كليم 45 × 45 سم", "10 pieces", "395.00", 1, 1, "630493", "in_stock"),
    ("TXT-BAB-LTH", "textiles", "Leather babouche slippers, assorted sizes", "Babouches en cuir, tailles assorties", "بلغة جلدية، مقاسات متنوعة", "10 pairs", "540.00", 1, 1, "640399", "in_stock"),
    ("TXT-BAG-LTH", "textiles", "Leather shoulder bag", "Sac en cuir à bandoulière", "حقيبة كتف جلدية", "5 pieces", "575.00", 1, 1, "420222", "in_stock"),
    ("TXT-BSK-PAL", "textiles", "Palm leaf market basket", "Panier en feuilles de palmier", "قفة من سعف النخيل", "12 pieces", "228.00", 1, 1, "460219", "in_stock"),
    ("HOM-LNT-BRS", "home", "Pierced brass lantern 40 cm", "Lanterne en laiton ciselé 40 cm", "فانوس نحاسي مخرّم 40 سم", "4 pieces", "620.00", 1, 1, "940550", "in_stock"),
    ("HOM-MIR-BON", "home", "Bone inlay mirror 60 cm", "Miroir incrusté d'os 60 cm", "مرآة مطعّمة بالعظم 60 سم", "2 pieces", "710.00", 1, 1, "700992", "out"),
    ("HOM-POF-LTH", "home", "Leather pouf, unstuffed", "Pouf en cuir, non rembourré", "بوف جلدي غير محشو", "4 pieces", "560.00", 1, 1, "420500", "in_stock"),
    ("HOM-TRY-BRS", "home", "Engraved brass tray 50 cm", "Plateau en laiton gravé 50 cm", "صينية نحاسية منقوشة 50 سم", "4 pieces", "480.00", 1, 1, "741810", "in_stock"),
    ("HOM-CDL-CED", "home", "Cedar wood candle holder", "Bougeoir en bois de cèdre", "حامل شموع من خشب الأرز", "12 pieces", "300.00", 1, 1, "442190", "in_stock"),
]
# fmt: on


def _description(name: str, pack: str, language: str) -> str:
    if language == "fr":
        return f"{name}. Origine Maroc, conditionné par {pack}. Prix de gros hors TVA et livraison."
    if language == "ar":
        return f"{name}. منشأ مغربي، معبأ {pack}. سعر الجملة دون ضريبة القيمة المضافة والتوصيل."
    return f"{name}. Made in Morocco, packed {pack}. Wholesale price before VAT and delivery."


def _tile(sku: str, colour: str) -> SimpleUploadedFile:
    """A plain demo picture: the category's colour with the SKU on it."""
    image = Image.new("RGB", (480, 360), colour)
    ImageDraw.Draw(image).text((24, 300), sku, fill="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(f"{sku}.png", buffer.getvalue(), content_type="image/png")


#: SAR per unit, demo values near the 2025 market (AED and QAR follow their own dollar pegs).
DEMO_RATES = {
    "EUR": "4.05000000",
    "GBP": "4.76000000",
    "AED": "1.02110000",
    "MAD": "0.40500000",
    "KWD": "12.20000000",
    "QAR": "1.03022000",
}


def seed_rates() -> list[ExchangeRate]:
    """Add a demo rate for each demo currency that has none in force (missing or stale); return those added."""
    added = []
    for currency, rate in DEMO_RATES.items():
        try:
            rate_in_force(currency=currency)
        except OrderError:
            added.append(
                ExchangeRate.objects.create(
                    currency=currency, rate_to_sar=Decimal(rate), source="demo", effective_at=timezone.now()
                )
            )
    return added


def seed() -> int:
    """Create or update the demo categories and products, and demo rates; return how many products there are."""
    seed_rates()
    categories = {}
    for position, (slug, en, fr, ar) in enumerate(CATEGORIES):
        categories[slug], _created = Category.objects.update_or_create(
            slug=slug, defaults={"name_en": en, "name_fr": fr, "name_ar": ar, "position": position}
        )
    for sku, category, en, fr, ar, pack, price, min_qty, step, hs_code, stock in PRODUCTS:
        product, _created = Product.objects.update_or_create(
            sku=sku,
            defaults={
                "category": categories[category],
                "name_en": en,
                "name_fr": fr,
                "name_ar": ar,
                "description_en": _description(en, pack, "en"),
                "description_fr": _description(fr, pack, "fr"),
                "description_ar": _description(ar, pack, "ar"),
                "pack_size": pack,
                "unit_price_sar": Decimal(price),
                "min_quantity": min_qty,
                "quantity_step": step,
                "hs_code": hs_code,
                "stock_status": stock,
                "origin": "Morocco",
                "is_active": True,
            },
        )
        if not product.photos.exists():
            add_photo(product=product, upload=_tile(sku, COLOURS[category]), alt_text=en)
    return len(PRODUCTS)
