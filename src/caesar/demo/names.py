"""Common Syrian names in Arabic with their Latin transliterations, and how spellings vary.

The synthetic people are built from these lists; families' reports then write each name in
Arabic or Latin letters with the variations real lists show (Mohammad/Muhammad/Mohamed, al-/el-,
ou/u, kh/ch, taa marbuta written as haa, hamza forms of alef, alef maqsura written as yaa). The
identification issue's name matching is measured against exactly these variations.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Name:
    """One name: its Arabic spelling and its Latin spellings, the usual one first."""

    ar: str
    latin: tuple[str, ...]


def _names(rows: str) -> tuple[Name, ...]:
    # One name a line, "arabic | Latin1, Latin2, ...": easier to read and review than tuples.
    out = []
    for row in rows.strip().splitlines():
        ar, latin = row.split("|")
        out.append(Name(ar.strip(), tuple(s.strip() for s in latin.split(","))))
    return tuple(out)


MALE_NAMES = _names("""
محمد | Mohammad, Muhammad, Mohamed, Mohammed, Muhammed
أحمد | Ahmad, Ahmed
علي | Ali
حسن | Hasan, Hassan
حسين | Hussein, Husain, Hussain, Houssein
عمر | Omar, Umar
خالد | Khaled, Khalid
محمود | Mahmoud, Mahmud
مصطفى | Mustafa, Moustafa, Mostafa
إبراهيم | Ibrahim, Ebrahim
يوسف | Yousef, Yusuf, Youssef
عبد الله | Abdullah, Abdallah, Abd Allah
عبد الرحمن | Abdulrahman, Abdul Rahman, Abdelrahman
سامر | Samer
ماهر | Maher
فادي | Fadi
رامي | Rami
أيمن | Ayman, Aiman
عماد | Imad, Emad
وائل | Wael, Wa'el
باسل | Basel, Basil
غياث | Ghiath, Ghiyath, Ghayath
مازن | Mazen
نزار | Nizar, Nezar
طارق | Tareq, Tarek, Tariq
زياد | Ziad, Ziyad
سليمان | Suleiman, Sulaiman, Soleiman
عثمان | Othman, Uthman, Osman
حمزة | Hamza, Hamzah
معاذ | Muath, Moaz, Mu'adh
أنس | Anas
بلال | Bilal, Belal
جمال | Jamal, Gamal
كمال | Kamal
سعيد | Said, Saeed, Sa'id
ياسر | Yaser, Yasser, Yasir
هيثم | Haitham, Haytham
منذر | Munther, Monzer, Mundhir
نبيل | Nabil, Nabeel
عبد الكريم | Abdulkarim, Abdul Karim, Abdelkarim
عبد القادر | Abdulkader, Abdel Qader, Abdulqadir
جهاد | Jihad
مهند | Muhannad, Mohannad
قصي | Qusai, Kousai, Qusay
رضوان | Radwan, Ridwan
شادي | Shadi
إياد | Iyad, Eyad
نور الدين | Nour al-Din, Nureddin, Noureddine
صلاح | Salah
فراس | Firas, Feras
حازم | Hazem, Hazim
عدنان | Adnan
فيصل | Faisal, Faysal
ناصر | Nasser, Naser
مالك | Malek, Malik
يحيى | Yahya, Yehia
""")

FEMALE_NAMES = _names("""
فاطمة | Fatima, Fatma, Fatmeh
عائشة | Aisha, Aicha, Aysha
خديجة | Khadija, Khadijeh
مريم | Maryam, Mariam
زينب | Zainab, Zeinab
آمنة | Amina, Amneh, Ameena
نور | Nour, Nur
رنا | Rana
ريم | Reem, Rim
هدى | Huda, Houda, Hoda
سعاد | Suad, Souad
منى | Mona, Muna
ليلى | Layla, Leila, Laila
سلمى | Salma
رقية | Ruqaya, Rukaya, Roqaya
أسماء | Asmaa, Asma
وفاء | Wafaa, Wafa
سميرة | Samira, Sameera
نادية | Nadia
هالة | Hala
جميلة | Jamila, Jameela
حنان | Hanan
غادة | Ghada
رحاب | Rehab, Rihab
صباح | Sabah
سهام | Siham, Seham
فدوى | Fadwa
أمل | Amal
ياسمين | Yasmin, Yasmine
""")

FAMILY_NAMES = _names("""
الحلبي | al-Halabi, Halabi
الشامي | al-Shami, Shami
الأحمد | al-Ahmad
المصري | al-Masri, Masri
الخطيب | al-Khatib, Khatib
العلي | al-Ali
الحسن | al-Hasan, al-Hassan
الحمصي | al-Homsi, Homsi
الزعبي | al-Zoubi, al-Zu'bi, Zoubi
المحمد | al-Mohammad, al-Muhammad
الحموي | al-Hamwi, al-Hamawi
الخليل | al-Khalil
العمر | al-Omar
السيد | al-Sayed, Sayyed
النجار | al-Najjar, Najjar
الحداد | al-Haddad, Haddad
العطار | al-Attar, Attar
الصباغ | al-Sabbagh, Sabbagh
القاسم | al-Qasem, al-Kassem
الجاسم | al-Jasem, al-Jassem
الحسين | al-Hussein
الإدلبي | al-Idlibi, Idlibi
الحوراني | al-Hourani, al-Horani, Hourani
البيطار | al-Bitar, Bitar
الكردي | al-Kurdi, Kurdi
قباني | Qabbani, Kabbani
الشيخ | al-Sheikh, al-Shaikh
درويش | Darwish, Darwich
سلامة | Salameh, Salama
حمدان | Hamdan
عيسى | Issa, Eissa
خضر | Khader, Khodr, Khidr
مراد | Mourad, Murad
زيدان | Zeidan, Zaidan
حمادة | Hamadeh, Hamada
نصر | Nasr, Nassr
عباس | Abbas
طه | Taha
حجازي | Hijazi, Hejazi
سعد | Saad, Sa'ad
الرفاعي | al-Rifai, al-Refai
العبد الله | al-Abdullah, al-Abdallah
كيالي | Kayali, Kayyali
المصطفى | al-Mustafa, al-Moustafa
سويد | Sweid, Suwaid
الدالاتي | al-Dalati, Dalati
الأتاسي | al-Atassi, Atassi
جمعة | Jumaa, Joumaa
برهوم | Barhoum, Barhum
غنام | Ghannam
البكور | al-Bakkour, al-Bakour
الحمود | al-Hamoud, al-Hammoud
الخوري | al-Khoury, Khouri
يونس | Younes, Yunus
النعسان | al-Nassan, al-Na'san
الطويل | al-Taweel, al-Tawil
""")

# Syria's Kurdish, Armenian and Assyrian names, which follow conventions of their own in Latin
# letters (Kurdish ş and ê, Armenian -ian or -yan, Western Armenian k for g): first names of
# Kurdish men and women, then family names.
OTHER_ORIGINS = _names("""
هوزان | Hozan, Huzan
شيار | Şiyar, Shiyar, Chiyar
ريزان | Rêzan, Rezan
جوان | Ciwan, Jiwan, Djiwan
بيريفان | Bêrîvan, Berivan
شيخو | Şêxo, Sheikho, Cheikho
ساركيسيان | Sarkissian, Sarkisyan, Sargsyan
كيفوركيان | Kevorkian, Gevorkyan
بوغوصيان | Boghossian, Poghosyan
كيوركيس | Gewargis, Kiwarkis
""")

# Places of arrest: neighbourhoods of Damascus and towns across Syria.
PLACES = _names("""
داريا | Daraya, Darayya
دوما | Douma, Duma
المعضمية | Moadamiyeh, Muadamiyat al-Sham
الميدان | al-Midan, Midan
برزة | Barzeh, Barza
القابون | Qaboun, al-Qabun
جوبر | Jobar
حرستا | Harasta
الزبداني | Zabadani
التل | al-Tall
كفرسوسة | Kafr Sousa, Kafarsouseh
المزة | Mezzeh, al-Mazzeh
حمص | Homs
حماة | Hama, Hamah
درعا | Daraa, Deraa
اللاذقية | Latakia, Lattakia
حلب | Aleppo, Halab
إدلب | Idlib, Edlib
دير الزور | Deir ez-Zor, Deir al-Zour
جديدة عرطوز | Jdeidet Artouz
قطنا | Qatana
يبرود | Yabroud, Yabrud
ببيلا | Babbila, Babila
مخيم اليرموك | Yarmouk camp, al-Yarmouk
""")

RELATIONSHIPS: tuple[str, ...] = (
    "mother", "father", "brother", "sister", "wife", "son", "daughter", "uncle", "cousin",
)


def latin_spelling(name: Name, rng: random.Random) -> str:
    """A Latin spelling of ``name`` as a family or a partner might write it.

    Mostly the usual spelling; otherwise another listed one, then sometimes a generic
    variation (ou/u, kh/ch, the article as al-, el-, Al or nothing).
    """
    text = name.latin[0] if rng.random() < 0.5 else rng.choice(name.latin)
    if rng.random() < 0.35:
        text = _latin_rule(text, rng)
    return text


def _latin_rule(text: str, rng: random.Random) -> str:
    rules: list[tuple[str, str]] = [("ou", "u"), ("kh", "ch"), ("Kh", "Ch"), ("ee", "i"),
                                    ("ei", "ai")]
    if text.startswith("al-") and rng.random() < 0.6:
        rest = text[3:]
        article = rng.choice(["el-", "Al-", "Al ", "Al", ""])
        return article + (rest.lower() if article == "Al" else rest)
    candidates = [(a, b) for a, b in rules if a in text]
    if _LONE_U.search(text):
        candidates.append(("u", "ou"))
    if not candidates:
        return text
    a, b = rng.choice(candidates)
    if a == "u":
        return _LONE_U.sub("ou", text, count=1)
    return text.replace(a, b, 1)


# A "u" that is not already part of "ou" (or "uu"): Yusuf -> Yousuf, never Kousai -> Koousai.
_LONE_U = re.compile(r"(?<![oOu])u(?!u)")


_HAMZA_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})


def arabic_spelling(name: Name, rng: random.Random) -> str:
    """An Arabic spelling of ``name`` with the variations of hand-typed lists.

    Hamza forms of alef written as bare alef, taa marbuta written as haa, alef maqsura written
    as yaa, the article dropped, and compound names (عبد الله) written as one word.
    """
    text = name.ar
    if rng.random() < 0.3:
        text = text.translate(_HAMZA_ALEF)
    if text.endswith("ة") and rng.random() < 0.3:
        text = text[:-1] + "ه"
    if text.endswith("ى") and rng.random() < 0.3:
        text = text[:-1] + "ي"
    if text.startswith("عبد ") and rng.random() < 0.4:
        text = text.replace(" ", "", 1)
    if text.startswith("ال") and len(text) > 4 and rng.random() < 0.15:
        text = text[2:]
    return text


def spelling(name: Name, script: str, rng: random.Random) -> str:
    """``name`` in ``"arabic"`` or ``"latin"`` letters, with realistic variation."""
    return arabic_spelling(name, rng) if script == "arabic" else latin_spelling(name, rng)
