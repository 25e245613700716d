"""Demo policies: the security policy, the privacy policy (two versions, to show a diff) and the terms of
trade, in English, French and Arabic. Written for this portal; `seed()` is idempotent."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from privacy.models import PolicyVersion
from privacy.services.policies import CACHE_KEY

SECURITY = {
    "en": """This policy explains how the wholesale portal protects the information of the merchants who trade with us, and what we do if something goes wrong.

Encryption. Every page of the portal is served over TLS. Names, phone numbers, addresses and the details of your customers are encrypted in our database, and the keys are kept apart from the data. We hold no bank or card details: card payments are handled by our payment provider.

Staff access. Only staff whose work needs it can see personal data, and every look they take is logged. Every staff account signs in with a password and a second factor.

Monitoring. We watch for failed sign-ins, lockouts, sign-ins from new places and unusual activity around the clock, and our security team is alerted automatically.

Backups. The portal is backed up every night, encrypted, and restoring a backup is tested regularly.

Incidents. If a breach affects your data, we contain it first, then tell you what happened, what data it concerns, what we did and what you should do.""",
    "fr": """Cette politique explique comment le portail de vente en gros protège les informations des commerçants qui travaillent avec nous, et ce que nous faisons en cas de problème.

Chiffrement. Toutes les pages du portail sont servies en TLS. Les noms, numéros de téléphone, adresses et les coordonnées de vos clients sont chiffrés dans notre base de données, et les clés sont conservées à part. Nous ne conservons aucune coordonnée bancaire ni donnée de carte : les paiements par carte sont traités par notre prestataire de paiement.

Accès du personnel. Seuls les membres du personnel dont le travail l'exige voient les données personnelles, et chaque consultation est journalisée. Chaque compte du personnel se connecte avec un mot de passe et un second facteur.

Surveillance. Nous surveillons en permanence les connexions échouées, les blocages, les connexions depuis de nouveaux endroits et toute activité inhabituelle ; notre équipe de sécurité est alertée automatiquement.

Sauvegardes. Le portail est sauvegardé chaque nuit, de façon chiffrée, et la restauration est testée régulièrement.

Incidents. Si une violation touche vos données, nous la contenons d'abord, puis nous vous disons ce qui s'est passé, quelles données sont concernées, ce que nous avons fait et ce que vous devez faire.""",
    "ar": """توضح هذه السياسة كيف تحمي بوابة البيع بالجملة معلومات التجار الذين يتعاملون معنا، وما نفعله إذا حدث خلل.

التشفير. تُقدَّم جميع صفحات البوابة عبر TLS. الأسماء وأرقام الهواتف والعناوين وبيانات عملائكم مشفّرة في قاعدة بياناتنا، والمفاتيح محفوظة بمعزل عنها. ولا نحتفظ بأي بيانات مصرفية أو بيانات بطاقات، إذ يتولّى مزوّد خدمة الدفع لدينا معالجة الدفع بالبطاقة.

وصول الموظفين. لا يطّلع على البيانات الشخصية إلا الموظفون الذين يحتاجها عملهم، وكل اطّلاع يُسجَّل. ويدخل كل حساب موظف بكلمة مرور وعامل تحقق ثانٍ.

المراقبة. نراقب على مدار الساعة محاولات الدخول الفاشلة وحالات الحظر والدخول من أماكن جديدة وكل نشاط غير معتاد، ويُنبَّه فريق الأمن تلقائيًا.

النسخ الاحتياطية. تُنسخ البوابة احتياطيًا كل ليلة بشكل مشفّر، ويُختبر الاسترجاع بانتظام.

الحوادث. إذا مسّ اختراقٌ بياناتكم، نحتويه أولًا، ثم نخبركم بما حدث وبالبيانات المعنية وبما فعلناه وبما ينبغي لكم فعله.""",
}

PRIVACY_V1 = {
    "en": """This policy says which personal data the wholesale portal holds, why, for how long, and what you can do about it.

What we hold. Your name, email address and language; your company's details and its application; your orders and invoices; the names and addresses of the customers we ship to on your behalf.

Why. To review your application, take and deliver your orders, invoice them, and reach you about them. We do not use your data for advertising.

Sharing. Your data leaves the portal only for the services that pay, deliver or email for your orders, and only what they need. Each time is recorded, and you can see the record in your privacy centre.

How long. We keep what we need while you trade with us. Invoices and orders are kept for as long as tax law requires. Abandoned applications, unconfirmed sign-ups and the details of delivered parcels are deleted after set periods.

Your rights. From your privacy centre you can see your data, correct it, download it, choose what we may send you, and ask for your account to be erased.""",
    "fr": """Cette politique indique quelles données personnelles le portail de vente en gros conserve, pourquoi, combien de temps, et ce que vous pouvez faire.

Ce que nous conservons. Votre nom, votre adresse e-mail et votre langue ; les informations de votre entreprise et sa demande d'ouverture de compte ; vos commandes et factures ; les noms et adresses des clients que nous livrons pour votre compte.

Pourquoi. Pour examiner votre demande, prendre et livrer vos commandes, les facturer et vous contacter à leur sujet. Nous n'utilisons pas vos données à des fins publicitaires.

Partage. Vos données ne quittent le portail que pour les services qui encaissent, livrent ou envoient des e-mails pour vos commandes, et seulement ce dont ils ont besoin. Chaque envoi est enregistré et visible dans votre espace confidentialité.

Durée. Nous gardons ce qui est nécessaire tant que vous commercez avec nous. Les factures et commandes sont conservées aussi longtemps que la loi fiscale l'exige. Les demandes abandonnées, les inscriptions non confirmées et les coordonnées des colis livrés sont supprimées après des délais fixés.

Vos droits. Depuis votre espace confidentialité, vous pouvez consulter vos données, les corriger, les télécharger, choisir ce que nous pouvons vous envoyer et demander l'effacement de votre compte.""",
    "ar": """تبيّن هذه السياسة البيانات الشخصية التي تحتفظ بها بوابة البيع بالجملة، ولماذا، وإلى متى، وما يمكنكم فعله.

ما نحتفظ به. اسمكم وبريدكم الإلكتروني ولغتكم؛ بيانات شركتكم وطلب فتح حسابها؛ طلباتكم وفواتيركم؛ أسماء وعناوين العملاء الذين نشحن إليهم نيابةً عنكم.

لماذا. لدراسة طلبكم، وتنفيذ طلباتكم وتوصيلها، وإصدار فواتيرها، والتواصل معكم بشأنها. لا نستخدم بياناتكم لأغراض إعلانية.

المشاركة. لا تغادر بياناتكم البوابة إلا إلى الخدمات التي تتولى الدفع أو التوصيل أو إرسال البريد لطلباتكم، وبقدر حاجتها فقط. وتُسجَّل كل مرة، ويمكنكم الاطلاع على السجل في مركز الخصوصية.

المدة. نحتفظ بما يلزم ما دمتم تتعاملون معنا. وتُحفظ الفواتير والطلبات المدة التي يفرضها نظام الضرائب. وتُحذف الطلبات غير المكتملة والتسجيلات غير المؤكدة وبيانات الطرود المسلَّمة بعد مدد محددة.

حقوقكم. من مركز الخصوصية يمكنكم الاطلاع على بياناتكم وتصحيحها وتنزيلها واختيار ما نرسله إليكم وطلب حذف حسابكم.""",
}

# Version 2: the delivered-parcel period is stated, and continued use is explained.
PRIVACY_V2 = {
    "en": PRIVACY_V1["en"].replace(
        "the details of delivered parcels are deleted after set periods.",
        "the details of delivered parcels are deleted after set periods; a customer's address is erased 90 days after delivery.",
    )
    + "\n\nChanges. When this policy changes, we show you what changed at your next visit. Continuing to use the portal after that means you accept the new version; you can also accept it explicitly in your privacy centre.",
    "fr": PRIVACY_V1["fr"].replace(
        "les coordonnées des colis livrés sont supprimées après des délais fixés.",
        "les coordonnées des colis livrés sont supprimées après des délais fixés ; l'adresse d'un client est effacée 90 jours après la livraison.",
    )
    + "\n\nModifications. Quand cette politique change, nous vous montrons les changements lors de votre visite suivante. Continuer à utiliser le portail ensuite vaut acceptation de la nouvelle version ; vous pouvez aussi l'accepter expressément dans votre espace confidentialité.",
    "ar": PRIVACY_V1["ar"].replace(
        "وبيانات الطرود المسلَّمة بعد مدد محددة.",
        "وبيانات الطرود المسلَّمة بعد مدد محددة؛ ويُمحى عنوان العميل بعد 90 يومًا من التسليم.",
    )
    + "\n\nالتعديلات. عند تعديل هذه السياسة نعرض عليكم التغييرات في زيارتكم التالية. ومواصلة استخدام البوابة بعد ذلك تعني قبولكم النسخة الجديدة، ويمكنكم أيضًا قبولها صراحةً من مركز الخصوصية.",
}

PRIVACY_V2_SUMMARY = {
    "en": "States how long customers' addresses are kept, and how changes to this policy reach you.",
    "fr": "Précise la durée de conservation des adresses des clients et la manière dont les changements vous parviennent.",
    "ar": "يحدّد مدة الاحتفاظ بعناوين العملاء وكيف تصلكم تعديلات هذه السياسة.",
}

TERMS = {
    "en": """These terms apply to every order placed through the wholesale portal.

Accounts. Accounts are opened for companies after review. Each member acts for their company within the role its owners give them.

Minimum orders. A first order must reach 5,000 Saudi riyals, and each later order 2,000 riyals, or the equivalent in your currency at the rate shown when you order.

Payment. Orders are paid by card and the other methods offered at checkout, or by bank transfer for Saudi companies. An order is confirmed once its payment is confirmed.

Your brand. We can design your packaging and ship in your name to your customers. We never reveal our part in it, nor your customers, without your written consent.

Changes. We may change these terms; the new version applies to orders placed after it takes effect.""",
    "fr": """Ces conditions s'appliquent à toute commande passée sur le portail de vente en gros.

Comptes. Les comptes sont ouverts aux entreprises après examen. Chaque membre agit pour son entreprise dans le rôle que ses propriétaires lui donnent.

Minimums de commande. Une première commande doit atteindre 5 000 riyals saoudiens, et chaque commande suivante 2 000 riyals, ou l'équivalent dans votre devise au taux affiché lors de la commande.

Paiement. Les commandes se paient par carte et par les autres moyens proposés au paiement, ou par virement pour les entreprises saoudiennes. Une commande est confirmée dès que son paiement l'est.

Votre marque. Nous pouvons concevoir vos emballages et expédier en votre nom à vos clients. Nous ne révélons jamais notre rôle, ni vos clients, sans votre accord écrit.

Modifications. Nous pouvons modifier ces conditions ; la nouvelle version s'applique aux commandes passées après son entrée en vigueur.""",
    "ar": """تسري هذه الشروط على كل طلب يُقدَّم عبر بوابة البيع بالجملة.

الحسابات. تُفتح الحسابات للشركات بعد المراجعة. ويتصرف كل عضو باسم شركته في حدود الدور الذي يمنحه إياه مالكوها.

الحد الأدنى للطلبات. يجب أن يبلغ الطلب الأول 5000 ريال سعودي، وكل طلب لاحق 2000 ريال، أو ما يعادلها بعملتكم بالسعر المعروض عند الطلب.

الدفع. تُدفع الطلبات بالبطاقة وبوسائل الدفع الأخرى المعروضة، أو بالتحويل البنكي للشركات السعودية. ويُؤكَّد الطلب متى تأكد دفعه.

علامتكم التجارية. يمكننا تصميم تغليفكم والشحن باسمكم إلى عملائكم، ولا نكشف أبدًا عن دورنا ولا عن عملائكم دون موافقتكم الكتابية.

التعديلات. يجوز لنا تعديل هذه الشروط، وتسري النسخة الجديدة على الطلبات المقدَّمة بعد نفاذها.""",
}

SINCE = datetime(2026, 1, 1, tzinfo=UTC)
PRIVACY_V2_FROM = datetime(2026, 6, 1, tzinfo=UTC)

#: (kind, version, effective from, bodies, summaries)
DOCUMENTS: tuple[tuple[str, int, datetime, dict[str, str], dict[str, str]], ...] = (
    (PolicyVersion.Kind.SECURITY, 1, SINCE, SECURITY, {}),
    (PolicyVersion.Kind.PRIVACY, 1, SINCE, PRIVACY_V1, {}),
    (PolicyVersion.Kind.PRIVACY, 2, PRIVACY_V2_FROM, PRIVACY_V2, PRIVACY_V2_SUMMARY),
    (PolicyVersion.Kind.TERMS, 1, SINCE, TERMS, {}),
)


def seed() -> list[PolicyVersion]:
    """Publish the demo policies that are missing (idempotent); return them all."""
    versions = []
    with transaction.atomic():
        for kind, number, effective_at, bodies, summaries in DOCUMENTS:
            version, _created = PolicyVersion.objects.get_or_create(
                kind=kind,
                version=number,
                defaults={
                    "effective_at": effective_at,
                    "published_at": timezone.now(),
                    **{f"body_{lang}": text for lang, text in bodies.items()},
                    **{f"summary_{lang}": text for lang, text in summaries.items()},
                },
            )
            versions.append(version)
    cache.delete(CACHE_KEY)
    return versions
