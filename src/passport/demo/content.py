"""Names and text for the demo: small pools of British-English templates, written for this product.

Templates use `{name}` (the name the child is known by), `{he}`, `{him}`, `{his}`, `{He}`, `{His}`
and `{place}` (nursery, school or college). Faker is a development dependency only, so the demo
carries its own lists.
"""

from __future__ import annotations

from typing import NamedTuple

# Age bands, from the national curriculum year group.
EY, PRIMARY, SECONDARY, POST16 = "ey", "pri", "sec", "post16"
ALL_BANDS = frozenset({EY, PRIMARY, SECONDARY, POST16})
SCHOOL_AGE = frozenset({PRIMARY, SECONDARY})


def band_for_year(year_group: int) -> str:
    """Return the age band for a national curriculum year (Reception is 0)."""
    if year_group < 0:
        return EY
    if year_group <= 6:
        return PRIMARY
    if year_group <= 11:
        return SECONDARY
    return POST16


GIRLS = (
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Ivy",
    "Freya",
    "Lily",
    "Florence",
    "Mia",
    "Willow",
    "Rosie",
    "Sophia",
    "Isabella",
    "Grace",
    "Daisy",
    "Sienna",
    "Poppy",
    "Elsie",
    "Emily",
    "Ella",
    "Evie",
    "Phoebe",
    "Matilda",
    "Harper",
    "Ruby",
    "Charlotte",
    "Millie",
    "Erin",
    "Maisie",
    "Jessica",
    "Abigail",
    "Katherine",
    "Elizabeth",
    "Eleanor",
    "Hannah",
    "Chloe",
    "Megan",
    "Holly",
    "Niamh",
    "Aisha",
    "Maryam",
    "Fatima",
    "Zara",
    "Amira",
    "Hafsa",
    "Hodan",
    "Ayaan",
    "Priya",
    "Anaya",
    "Simran",
    "Zofia",
    "Maja",
    "Lena",
    "Chiara",
    "Mei",
    "Esme",
    "Amara",
    "Adaeze",
    "Nia",
    "Keira",
    "Tia",
    "Kayla",
    "Jade",
    "Bethany",
    "Lauren",
)

BOYS = (
    "Oliver",
    "George",
    "Noah",
    "Arthur",
    "Leo",
    "Muhammad",
    "Harry",
    "Oscar",
    "Archie",
    "Henry",
    "Theodore",
    "Freddie",
    "Jack",
    "Charlie",
    "Thomas",
    "Alfie",
    "Jacob",
    "William",
    "Isaac",
    "Joshua",
    "Samuel",
    "Alexander",
    "Benjamin",
    "Joseph",
    "Matthew",
    "Frederick",
    "Edward",
    "Louis",
    "Reuben",
    "Finley",
    "Toby",
    "Max",
    "Dylan",
    "Ethan",
    "Callum",
    "Kieran",
    "Rhys",
    "Owen",
    "Ibrahim",
    "Yusuf",
    "Zain",
    "Ayaan",
    "Hamza",
    "Abdi",
    "Mohamed",
    "Arjun",
    "Rohan",
    "Dev",
    "Jakub",
    "Szymon",
    "Filip",
    "Luca",
    "Mateo",
    "Kofi",
    "Tobi",
    "Chidi",
    "Marcus",
    "Tyler",
    "Kai",
    "Riley",
    "Jayden",
    "Connor",
    "Liam",
)

FAMILY_NAMES = (
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Wilkinson",
    "Foster",
    "Chapman",
    "Powell",
    "Webb",
    "Rogers",
    "Gray",
    "Mason",
    "Ali",
    "Hunt",
    "Hussain",
    "Campbell",
    "Matthews",
    "Owen",
    "Palmer",
    "Holmes",
    "Mills",
    "Barnes",
    "Knight",
    "Lloyd",
    "Butler",
    "Russell",
    "Barker",
    "Fisher",
    "Stevens",
    "Jenkins",
    "Murray",
    "Dixon",
    "Harvey",
    "Ahmed",
    "Okafor",
    "Mensah",
    "Kowalski",
    "Nowak",
    "Chen",
    "Wong",
    "Nguyen",
    "Abdi",
    "Mohamed",
    "Osei",
    "Da Silva",
    "O'Connor",
    "Hartley",
    "Fletcher",
    "Tucker",
    "Sharma",
    "Rahman",
    "Kaur",
    "Brennan",
    "Pearce",
    "Vaughan",
    "Hooper",
)

WOMEN = (
    "Sarah",
    "Emma",
    "Laura",
    "Rachel",
    "Claire",
    "Hannah",
    "Gemma",
    "Kirsty",
    "Nicola",
    "Jenny",
    "Amy",
    "Louise",
    "Lucy",
    "Rebecca",
    "Helen",
    "Joanne",
    "Stacey",
    "Natalie",
    "Katie",
    "Zoe",
    "Fatima",
    "Nadia",
    "Shazia",
    "Sadia",
    "Asha",
    "Deqa",
    "Agnieszka",
    "Monika",
    "Ngozi",
    "Abena",
    "Kerry",
    "Donna",
    "Lisa",
    "Victoria",
    "Charlotte",
)

MEN = (
    "David",
    "James",
    "Daniel",
    "Mark",
    "Paul",
    "Richard",
    "Chris",
    "Matt",
    "Tom",
    "Ben",
    "Steve",
    "Andrew",
    "Lee",
    "Gareth",
    "Craig",
    "Ryan",
    "Adam",
    "Jamie",
    "Imran",
    "Tariq",
    "Asif",
    "Omar",
    "Ahmed",
    "Piotr",
    "Tomasz",
    "Emeka",
    "Kwame",
    "Jason",
    "Dean",
    "Neil",
)

# Names children are often known by instead of their given name.
PREFERRED_NAMES = {
    "Alexander": "Alex",
    "Thomas": "Tom",
    "Benjamin": "Ben",
    "Elizabeth": "Libby",
    "Oliver": "Ollie",
    "Samuel": "Sam",
    "Joseph": "Joe",
    "Matthew": "Matty",
    "William": "Will",
    "Isabella": "Bella",
    "Charlotte": "Lottie",
    "Katherine": "Katie",
    "Jessica": "Jess",
    "Abigail": "Abi",
    "Theodore": "Theo",
    "Frederick": "Freddie",
    "Edward": "Ted",
    "Eleanor": "Ellie",
    "Muhammad": "Mo",
    "Mohamed": "Mo",
    "Joshua": "Josh",
    "Jacob": "Jake",
}

STAFF_TITLES_WOMEN = ("Mrs", "Ms", "Miss")
STAFF_TITLES_MEN = ("Mr",)

# --- About me, in the child's own words -----------------------------------------------------

# Early years templates use only `{t2}`, drawn from these simpler traits.
EARLY_TRAITS = ("kind", "funny", "helpful", "brave", "curious about everything", "full of ideas")
TRAITS = (
    "kind",
    "funny",
    "a good friend",
    "helpful",
    "creative",
    "brave",
    "hard-working",
    "honest",
    "good at making people laugh",
    "patient with younger children",
    "curious about everything",
    "determined",
    "gentle with animals",
    "good at noticing when someone is sad",
    "full of ideas",
    "a brilliant builder",
    "good at remembering facts",
    "thoughtful",
)

LIKED = {
    EY: (
        "I have a big smile and I love a cuddle when I arrive. Grown-ups say I am {t2}.",
        "I always want to help tidy up. My key person says I am {t2}.",
        "My family say I am {t2}. I wave to everyone in the morning.",
    ),
    PRIMARY: (
        "People say I am {t1} and {t2}.",
        "My family say I am {t1}. My teacher says I am {t2}.",
        "I am {t1} and I am {t2}. I always say hello to the dinner ladies.",
        "My friends say I am {t1}. I am proud that I never give up.",
    ),
    SECONDARY: (
        "People say I am {t1} and {t2}.",
        "My friends would say I am {t1}. Teachers say I am {t2} when I'm interested in something.",
        "I'm {t1}. My mum says I'm {t2}, even if I don't always show it.",
    ),
    POST16: (
        "People say I am {t1} and {t2}.",
        "My tutor says I am {t1}. At my Saturday job they say I am {t2}.",
        "I'm {t1} and I work hard when I know why I'm doing something.",
    ),
}

INTERESTS = {
    EY: (
        "playing in the sand",
        "the diggers and tractors",
        "songs at carpet time",
        "my big sister",
        "bubbles",
        "the water tray",
        "my toy dinosaur",
        "splashing in puddles",
        "stories about animals",
        "the swings in the garden",
    ),
    PRIMARY: (
        "football",
        "drawing",
        "Minecraft",
        "my dog, Biscuit",
        "dancing",
        "swimming",
        "Lego",
        "Pokemon cards",
        "baking with my nan",
        "going to the park",
        "riding my scooter",
        "reading about space",
        "my guinea pigs",
        "trains",
        "gymnastics",
        "making slime",
    ),
    SECONDARY: (
        "music and playing the guitar",
        "gaming with my friends",
        "football",
        "drawing anime",
        "cooking",
        "basketball",
        "looking after my little brother",
        "photography",
        "fixing bikes",
        "boxing",
        "making videos",
        "animals, especially reptiles",
        "going to the skate park",
    ),
    POST16: (
        "cars and engines",
        "working with animals",
        "learning to drive",
        "music production",
        "going to the gym",
        "cooking for my family",
        "gaming",
        "my Saturday job",
        "hair and beauty",
        "football coaching",
    ),
}

MATTERS = {
    EY: (
        "Mummy or Daddy says goodbye properly at the door",
        "I have my comforter when I'm tired",
        "I can go outside when I need to",
    ),
    PRIMARY: (
        "I can be with my friends at playtime",
        "my family come to my meetings",
        "people listen to me",
        "I know what is happening each day",
        "adults don't talk about me in front of the class",
        "I get to choose what I do in Golden Time",
    ),
    SECONDARY: (
        "teachers don't single me out in front of everyone",
        "I can see my friends at lunch",
        "people ask me before they make decisions about me",
        "I know who to go to if something goes wrong",
        "I get to do the subjects I care about",
    ),
    POST16: (
        "I get a job when I leave {place}",
        "I can travel to {place} on my own",
        "people talk to me, not just my parents",
        "I have a say in what goes in my plan",
        "I can live more independently one day",
    ),
}

MATTERS_TEMPLATES = (
    "I love {i1} and {i2}. It is important to me that {m}.",
    "My favourite things are {i1} and {i2}. It matters to me that {m}.",
    "I really like {i1}. At home I like {i2}. It is important to me that {m}.",
)

PARENT_CONTRIBUTIONS = (
    "At home {name} loves {i1}. We have found that a countdown before bedtime really helps "
    "{him} manage changes, and it might help at {place} too.",
    "{name} has had a good term and talks about {his} group at {place} a lot. Mornings are "
    "still hard some days, and a text from the office when {he} has settled helps us.",
    "We want {name} to be happy and to have friends. {He} can be very tired after {place}, "
    "so a quiet start to the afternoon really helps.",
    "{name} is much more confident at home than at {place}. {He} chats all the way through "
    "tea about {i1}. Please ask {him} about it: it is a good way in.",
    "Since the last review we have been using the same visual timetable at home, and weekends "
    "are calmer. Thank you for sharing it.",
)

YOUNG_PERSON_CONTRIBUTIONS = (
    "I want people to talk to me first, not my mum. I'm the one at college.",
    "I've started travelling in on my own on Tuesdays and Thursdays. I want to do it every day "
    "by the summer.",
    "When I'm stressed I go quiet. It doesn't mean I'm being rude, it means I need five minutes.",
)

# --- Reviews -----------------------------------------------------------------------------

CHILD_VIEWS = {
    EY: (
        "{name} showed us {his} favourite toys and smiled when we talked about the water tray. "
        "{He} pointed to the picture of the garden when asked what {he} likes best at nursery.",
        "{name} joined the start of the meeting and sat with {his} key person. {He} chose the "
        "happy face for 'playing with friends' and the sad face for 'tidy-up time'.",
    ),
    PRIMARY: (
        '"I like going to my group. Reading is getting easier but I still don\'t like writing."',
        "\"I like it when Miss shows me what to do first. I don't like it when it's noisy in "
        'the hall."',
        '"I have more friends now. I want to be better at maths."',
        "{name} chose to share {his} views with the teaching assistant before the meeting: "
        '"I feel happy in class most days. I get worried on Mondays."',
    ),
    SECONDARY: (
        '"My time-out card helps. Some teachers don\'t know about it though."',
        '"I feel better about coming in now I see Mr Price in the morning. I want to do art and '
        'PE for GCSE."',
        '"Lessons are OK if I get the sheet printed. Science is the hardest because it\'s fast."',
        '"I don\'t want the support to stop yet. I want to get my English GCSE."',
    ),
    POST16: (
        "\"I want to work with animals. I'd like more travel training so I can get the bus on "
        'my own."',
        '"I like that people here treat me like an adult."',
        '"I need help with the written assignments but I\'m good at the practical parts."',
    ),
}

PARENT_VIEWS = (
    "We are really pleased with how {name} has settled. At home {he} still gets anxious on "
    "Sunday nights.",
    "We can see a real difference since the small-group sessions started. We'd like them to "
    "continue.",
    "We are worried that {name} is falling further behind and would like more specialist advice.",
    "Communication with {place} has been good. We would like more notice of changes to staff.",
    "{name} is happier and talks about {his} friends more. Mornings are much easier.",
    "We feel listened to. We'd like {name} to have a chance to practise new routines before "
    "the move to next year.",
)

PROGRESS = {
    "continue": (
        "{name} has made good progress towards {his} outcomes, especially in {area}. The current "
        "support is working; new targets have been set.",
        "Steady progress this term. {name} met one outcome and is close to another. Continue the "
        "current support and review next term.",
        "{name} is making some progress, and adults report fewer difficult moments. Support "
        "continues with small changes to the timetable.",
    ),
    "step_up": (
        "Despite two terms of consistent support, {name} has made limited progress in {area}. "
        "Agreed with {his} parents to step up the support and involve {prof}.",
        "Progress has slowed and {name} is finding {area} harder. Agreed to step up and ask "
        "{prof} for advice and direct work.",
    ),
    "step_down": (
        "{name} has met most of {his} outcomes and is managing well with help in class and a "
        "small group. Agreed to step down and keep an eye on things at the next review.",
    ),
    "request_assessment": (
        "{name}'s needs are significant and long-term, and progress remains limited despite "
        "Targeted Plus support and advice from {prof}. With {his} parents, the setting agreed to "
        "request an EHC needs assessment.",
    ),
}

PROGRESS_NOTES = {
    "not_started": "Set at the last review; work on this has just begun.",
    "some": "Some progress: {name} manages this with adult prompting, but not yet on {his} own.",
    "good": "Good progress: {name} does this most days with a little support.",
    "achieved": "Achieved: {name} now does this consistently. Adults will keep an eye on it.",
    "not_achieved": "Not achieved by the target date; the review agreed a smaller next step.",
}

STAFF_ROLE = {
    EY: "key person",
    PRIMARY: "class teacher",
    SECONDARY: "form tutor",
    POST16: "personal tutor",
}

# --- Layers --------------------------------------------------------------------------------

FIRST_LAYER_REASONS = {
    "universal": "Needs can be met through adjustments in everyday teaching (see What works), "
    "checked at each review.",
    "targeted": "Assessment and observation showed {name} needs structured small-group help with "
    "{area}, as well as adjustments in class. Agreed with {his} family.",
    "targeted_plus": "{name}'s needs are less common and need advice and direct work from {prof} "
    "from the start. Agreed with {his} family.",
    "specialist": "EHC plan in place: {name}'s complex needs were identified early and the plan "
    "names the provision.",
}

PLAN_IN_PLACE_REASON = (
    "EHC plan already in place when the passport was started; support copied from section F of "
    "the plan."
)
STEP_UP_REASON = (
    "Agreed at the review on {review}: limited progress with Targeted support, so {prof} will "
    "give advice and direct work."
)
STEP_DOWN_REASON = (
    "Agreed at the review on {review}: outcomes met, and help in class with a small group is now "
    "enough."
)
PLAN_ISSUED_REASON = (
    "EHC plan issued by the local authority on {issued}, after the needs assessment requested at "
    "the review on {review}."
)

# --- Needs, what works, outcomes and support, by census need type --------------------------


class Support(NamedTuple):
    """A template for one element of Support in place."""

    description: str
    intended_outcome: str
    delivered_by: str
    group_size: str
    minutes: int
    sessions: int
    period: str
    rationale: str
    provider: str | None = None
    bands: frozenset[str] = ALL_BANDS
    mainstream_only: bool = False


class Banded(NamedTuple):
    """A piece of text that suits only some ages."""

    text: str
    bands: frozenset[str]


class NeedText(NamedTuple):
    """The text pools for one need type. Strategies are (kind, text); text may be Banded."""

    descriptions: tuple[str | Banded, ...]
    also: str
    area: str
    professional: str
    strategies: tuple[tuple[str, str | Banded], ...]
    how_to_support: tuple[str, ...]
    outcomes: tuple[str | Banded, ...]
    support: dict[str, tuple[Support, ...]]


def fits(entry: str | Banded, band: str) -> bool:
    """Return whether a piece of text suits a child in this age band."""
    return not isinstance(entry, Banded) or band in entry.bands


def text_of(entry: str | Banded) -> str:
    """Return the template of a piece of text."""
    return entry.text if isinstance(entry, Banded) else entry


S, A = "strategy", "adjustment"
ONE, SMALL, CLASS = "one_to_one", "small_group", "whole_class"
NHS, LA = "nhs", "la"
EARLY_AND_PRIMARY = frozenset({EY, PRIMARY})
PRIMARY_UP = frozenset({PRIMARY, SECONDARY, POST16})
SECONDARY_UP = frozenset({SECONDARY, POST16})

NEEDS: dict[str, NeedText] = {
    "SLCN": NeedText(
        descriptions=(
            Banded(
                "{name} understands short, familiar instructions but loses track of longer "
                "ones, especially when there is background noise. {He} finds it hard to find "
                "the right words and put them in order, so {he} often answers in two or three "
                "words. This affects {his} learning most in whole-class teaching and in reading "
                "and writing, where {he} has less spoken language to draw on.",
                PRIMARY_UP,
            ),
            Banded(
                "{name} uses a few single words and often takes an adult's hand to show what "
                "{he} wants. {He} follows familiar routines but not longer sentences, and gets "
                "frustrated when {he} is not understood. This affects how {he} joins in play "
                "with other children and takes part in group times.",
                frozenset({EY}),
            ),
            "{name}'s speech is not always clear to people who do not know {him}, and {he} gets "
            "frustrated when {he} is not understood. {He} sometimes avoids speaking in front of "
            "others, so adults can underestimate what {he} knows and understands.",
            Banded(
                "{name} has a language disorder: {he} takes longer than others to process what "
                "is said and to learn new words. {He} may nod to show {he} has understood when "
                "{he} has not. Topic words need teaching before a lesson so that {he} can "
                "follow it.",
                PRIMARY_UP,
            ),
        ),
        also="{He} also has speech and language difficulties, so instructions need to be short "
        "and backed up with pictures.",
        area="understanding and using language",
        professional="the speech and language therapist",
        strategies=(
            (S, "Say {his} name before giving an instruction, and give one step at a time."),
            (S, "Wait ten seconds for {him} to answer before repeating or rephrasing."),
            (A, Banded("Pre-teach topic words with pictures before each new unit.", PRIMARY_UP)),
            (A, "A visual timetable, with now-and-next cards for any change."),
            (
                S,
                "Repeat back what {he} says with the correct words, rather than asking {him} to "
                "say it again.",
            ),
        ),
        how_to_support=(
            "Please say my name first and tell me one thing at a time.",
            "Give me time to think before I answer. I do know, I just need longer.",
            "Show me a picture so I know what to do.",
        ),
        outcomes=(
            Banded(
                "{name} will follow two-step instructions given to the whole class without an "
                "adult repeating them, on four out of five occasions.",
                SCHOOL_AGE,
            ),
            Banded(
                "{name} will use sentences of five or more words to explain what {he} has done "
                "in a lesson.",
                PRIMARY_UP,
            ),
            "{name} will ask an adult for help, using {his} help card, a sign or by putting up "
            "{his} hand, at least twice a day.",
            Banded(
                "{name} will learn and use five new topic words each half term, shown in a "
                "check at the end of each topic.",
                PRIMARY_UP,
            ),
            Banded(
                "{name} will use 50 single words and start to join two words together in play.",
                frozenset({EY}),
            ),
            Banded(
                "{name} will point to or name familiar objects when an adult asks 'Where is...?' "
                "during play.",
                frozenset({EY}),
            ),
        ),
        support={
            "targeted": (
                Support(
                    "Small-group sentence building using Colourful Semantics",
                    "{name} builds longer, well-ordered sentences when speaking and writing",
                    "Teaching assistant trained in Colourful Semantics",
                    SMALL,
                    20,
                    3,
                    "week",
                    "A visual structure for sentences suits {name}'s language profile.",
                    bands=frozenset({PRIMARY}),
                ),
                Support(
                    "Vocabulary group: pre-teaching topic words with pictures and games",
                    "{name} understands and uses the key words for each topic",
                    "Teaching assistant",
                    SMALL,
                    15,
                    2,
                    "week",
                    "Knowing the words before a lesson lets {name} take part in it.",
                    bands=PRIMARY_UP,
                ),
                Support(
                    "Speech sound practice from the therapist's programme",
                    "{name} uses {his} target sounds in words and short sentences",
                    "Teaching assistant, following the therapist's programme",
                    ONE,
                    10,
                    4,
                    "week",
                    "Short, frequent practice works best for speech sounds.",
                    bands=EARLY_AND_PRIMARY,
                ),
                Support(
                    "Early Talk Boost small-group sessions",
                    "{name} listens, takes turns and uses new words in play",
                    "Key person",
                    SMALL,
                    15,
                    3,
                    "week",
                    "A structured programme for early language delay.",
                    bands=frozenset({EY}),
                ),
            ),
            "targeted_plus": (
                Support(
                    "Speech and language therapy: assessment and a block of direct therapy",
                    "{name}'s understanding of language improves and {his} targets are updated",
                    "Speech and language therapist",
                    ONE,
                    30,
                    6,
                    "term",
                    "{name}'s language needs a therapist's assessment and direct work.",
                    provider=NHS,
                ),
                Support(
                    "Therapist visit to set targets and model strategies for staff",
                    "Staff use the same strategies consistently across the day",
                    "Speech and language therapist",
                    ONE,
                    45,
                    1,
                    "half_term",
                    "Everyone working with {name} needs to use the same approach.",
                    provider=NHS,
                ),
            ),
            "specialist": (
                Support(
                    "Direct speech and language therapy, as in section F of the EHC plan",
                    "{name} makes measurable progress towards {his} communication outcomes",
                    "Speech and language therapist",
                    ONE,
                    30,
                    1,
                    "week",
                    "Specified in the EHC plan.",
                    provider=NHS,
                ),
                Support(
                    "Daily individual language programme",
                    "{name} practises {his} therapy targets every day",
                    "Teaching assistant trained by the therapist",
                    ONE,
                    20,
                    5,
                    "week",
                    "Daily practice between therapy sessions.",
                ),
            ),
        },
    ),
    "ASD": NeedText(
        descriptions=(
            "{name} is autistic. {He} finds unexpected changes to routine very hard and becomes "
            "anxious when plans change without warning. {He} takes language literally and may "
            "miss jokes, sarcasm or how others are feeling. In busy, noisy places such as the "
            "dining hall {he} can become overwhelmed, and then needs time somewhere quiet before "
            "{he} can learn again.",
            "{name} is autistic and has a deep knowledge of the things {he} loves; {he} learns "
            "best when new ideas link to them. Group work is difficult: {he} is unsure when to "
            "speak and when to listen. Bright lights and loud sounds can be painful for {him}, "
            "and unstructured times such as break are the hardest part of {his} day.",
        ),
        also="{He} is also autistic, and changes to routine need explaining in advance.",
        area="social communication and coping with change",
        professional="the autism outreach team",
        strategies=(
            (
                A,
                "Warn {him} about changes to the timetable or staff as early as possible, with a "
                "picture or a written note.",
            ),
            (
                S,
                "Use clear, literal language and check {he} has understood by asking {him} what "
                "{he} will do first.",
            ),
            (A, "A quiet space {he} can go to with a time-out card, without needing to explain."),
            (A, "Ear defenders available in assemblies and the dining hall."),
            (S, "Link new learning to {his} interests where possible."),
            (A, Banded("Leave lessons two minutes early to avoid busy corridors.", SECONDARY_UP)),
        ),
        how_to_support=(
            "Tell me before something changes.",
            "Let me go to my quiet place when it gets too loud.",
            "Say exactly what you mean. I don't always get jokes.",
        ),
        outcomes=(
            "{name} will cope with a planned change to {his} timetable using {his} visual "
            "schedule, without leaving the room.",
            "{name} will take part in a structured small-group activity for 15 minutes, taking "
            "turns with others.",
            Banded(
                "{name} will use {his} time-out card to ask for a break before becoming "
                "overwhelmed.",
                PRIMARY_UP,
            ),
            Banded(
                "{name} will eat lunch in the dining hall with a friend at least three days a "
                "week.",
                SCHOOL_AGE,
            ),
            Banded(
                "{name} will join a short adult-led group activity for five minutes with a "
                "familiar adult nearby.",
                frozenset({EY}),
            ),
        ),
        support={
            "targeted": (
                Support(
                    "Lego-based therapy group to practise turn-taking and shared problem solving",
                    "{name} takes turns and works with others in a group",
                    "Trained teaching assistant",
                    SMALL,
                    30,
                    1,
                    "week",
                    "Builds social communication through something {name} enjoys.",
                    bands=frozenset({PRIMARY, SECONDARY}),
                ),
                Support(
                    "Social stories written with {name} before new or difficult events",
                    "{name} knows what to expect and copes with the change",
                    "SENCO",
                    ONE,
                    15,
                    1,
                    "week",
                    "Preparing in advance lowers {his} anxiety.",
                ),
                Support(
                    "Sensory circuit at the start of the day",
                    "{name} is calm and ready to learn after arriving",
                    "Teaching assistant",
                    SMALL,
                    15,
                    5,
                    "week",
                    "Movement before learning helps {him} regulate.",
                    bands=EARLY_AND_PRIMARY,
                ),
                Support(
                    "Morning check-in in the learning support base",
                    "{name} starts the day calm and knows about any changes",
                    "Key worker",
                    ONE,
                    10,
                    5,
                    "week",
                    "A predictable start to the day reduces anxiety.",
                    bands=SECONDARY_UP,
                ),
                Support(
                    "Attention Autism group",
                    "{name} shares attention with an adult and other children",
                    "Key person",
                    SMALL,
                    20,
                    3,
                    "week",
                    "Builds attention and shared enjoyment.",
                    bands=frozenset({EY}),
                ),
            ),
            "targeted_plus": (
                Support(
                    "Autism outreach: observation and a plan for staff",
                    "Staff understand {name}'s profile and adapt the environment",
                    "Autism outreach teacher",
                    ONE,
                    60,
                    1,
                    "term",
                    "Specialist advice for less common needs.",
                    provider=LA,
                    mainstream_only=True,
                ),
                Support(
                    "Occupational therapy sensory assessment and a sensory diet",
                    "{name}'s sensory needs are met so {he} can stay in the room and learn",
                    "Occupational therapist",
                    ONE,
                    45,
                    1,
                    "term",
                    "Sensory overload was the main reason {name} left the room.",
                    provider=NHS,
                ),
            ),
            "specialist": (
                Support(
                    "Small-group teaching in the resource base for English and maths",
                    "{name} makes progress in core subjects in a calm, structured setting",
                    "Specialist teacher",
                    SMALL,
                    60,
                    5,
                    "week",
                    "Specified in the EHC plan.",
                    bands=SCHOOL_AGE,
                    mainstream_only=True,
                ),
                Support(
                    "One-to-one support at break and lunch",
                    "{name} has safe, positive unstructured times with other children",
                    "Teaching assistant",
                    ONE,
                    60,
                    5,
                    "week",
                    "Unstructured times are when {name} struggles most.",
                    bands=PRIMARY_UP,
                ),
                Support(
                    "Social communication therapy group",
                    "{name} uses strategies to join in and to repair misunderstandings",
                    "Speech and language therapist",
                    SMALL,
                    30,
                    1,
                    "week",
                    "Specified in the EHC plan.",
                    provider=NHS,
                    bands=PRIMARY_UP,
                ),
            ),
        },
    ),
    "SEMH": NeedText(
        descriptions=(
            Banded(
                "{name} experiences high levels of anxiety, which show as stomach aches in the "
                "morning and reluctance to come into {place}. When {he} is worried {he} finds it "
                "hard to concentrate and may not start work. {His} attendance dropped last year, "
                "and gaps in {his} learning are starting to show.",
                PRIMARY_UP,
            ),
            "{name} finds it hard to manage strong feelings. When {he} thinks something is unfair "
            "{he} can shout or leave the room, and it takes {him} a long time to calm down. These "
            "moments mean {he} misses learning and finds friendships hard to keep. {He} responds "
            "well to adults {he} trusts.",
            "{name} finds it hard to trust new adults and can be withdrawn and quiet, rarely "
            "asking for help. {He} needs consistent relationships and predictable "
            "routines to feel safe enough to learn.",
        ),
        also="{He} also has social, emotional and mental health needs, and can become anxious "
        "when things feel out of {his} control.",
        area="managing feelings and attendance",
        professional="the educational psychologist",
        strategies=(
            (S, "A calm, named adult to check in with at the start of the day."),
            (
                S,
                "Notice early signs of worry (fidgeting, going quiet) and offer a break before "
                "things build up.",
            ),
            (S, "Praise {him} quietly rather than in front of others."),
            (A, "A time-out card to use when {he} feels overwhelmed, with an agreed place to go."),
            (S, "Offer choices rather than instructions when {he} is becoming upset."),
            (
                S,
                "Repair the relationship after a difficult moment, with a calm conversation the "
                "same day.",
            ),
        ),
        how_to_support=(
            "Ask me quietly if I'm OK. Don't make a fuss in front of everyone.",
            "Give me a job to do when I'm feeling cross.",
            "Please don't shout. It makes it worse.",
        ),
        outcomes=(
            "{name} will arrive and settle within ten minutes on most days, with a check-in from a "
            "named adult.",
            "{name} will use a calming strategy of {his} choice when {he} feels angry, with less "
            "adult prompting over the term.",
            Banded("{name} will attend at least 92% of sessions this term.", PRIMARY_UP),
            "{name} will name two trusted adults {he} can go to when worried, and use them.",
        ),
        support={
            "targeted": (
                Support(
                    "ELSA sessions with an Emotional Literacy Support Assistant",
                    "{name} can name {his} feelings and use two calming strategies",
                    "ELSA-trained teaching assistant",
                    ONE,
                    30,
                    1,
                    "week",
                    "A six to eight week programme matched to {name}'s needs.",
                    bands=frozenset({PRIMARY, SECONDARY}),
                ),
                Support(
                    "Nurture group",
                    "{name} feels safe, builds relationships and is ready to learn",
                    "Nurture group teacher and teaching assistant",
                    SMALL,
                    45,
                    3,
                    "week",
                    "A small, predictable group builds trust.",
                    bands=frozenset({PRIMARY}),
                    mainstream_only=True,
                ),
                Support(
                    "Morning check-in with a key adult",
                    "{name} starts the day calm and ready to learn",
                    "Key adult",
                    ONE,
                    10,
                    5,
                    "week",
                    "Mornings are when {name}'s anxiety is highest.",
                ),
                Support(
                    "Weekly mentoring with the pastoral lead",
                    "{name} has a trusted adult and a plan for difficult days",
                    "Pastoral lead",
                    ONE,
                    30,
                    1,
                    "week",
                    "A consistent relationship with one adult.",
                    bands=SECONDARY_UP,
                ),
            ),
            "targeted_plus": (
                Support(
                    "Consultation and direct work with the educational psychologist",
                    "Staff and family share a plan based on an understanding of {name}'s needs",
                    "Educational psychologist",
                    ONE,
                    60,
                    1,
                    "term",
                    "A psychologist's view will help everyone understand what lies behind "
                    "{name}'s behaviour.",
                    provider=LA,
                ),
                Support(
                    "Guided self-help for anxiety from the Mental Health Support Team",
                    "{name} uses practical strategies to manage anxiety",
                    "Education mental health practitioner",
                    ONE,
                    45,
                    1,
                    "week",
                    "Evidence-based help for mild to moderate anxiety.",
                    provider=NHS,
                    bands=frozenset({PRIMARY, SECONDARY}),
                ),
                Support(
                    "Play therapy commissioned by the school group",
                    "{name} has a safe space to work through difficult feelings",
                    "Play therapist",
                    ONE,
                    45,
                    1,
                    "week",
                    "Shared services commissioned through the school group.",
                    bands=EARLY_AND_PRIMARY,
                ),
            ),
            "specialist": (
                Support(
                    "Therapy with the children and young people's mental health service",
                    "{name} manages {his} anxiety well enough to attend and learn",
                    "CAMHS clinician",
                    ONE,
                    50,
                    3,
                    "half_term",
                    "Specified in the EHC plan.",
                    provider=NHS,
                    bands=PRIMARY_UP,
                ),
                Support(
                    "Part of each day in the inclusion base",
                    "{name} accesses learning in a calmer setting and returns to class",
                    "Inclusion base teacher",
                    SMALL,
                    120,
                    5,
                    "week",
                    "Specified in the EHC plan.",
                    bands=SCHOOL_AGE,
                    mainstream_only=True,
                ),
            ),
        },
    ),
    "MLD": NeedText(
        descriptions=(
            Banded(
                "{name} is working well below the level expected for {his} age in most "
                "subjects, particularly reading and maths. {He} needs many more repetitions "
                "than others to learn and remember new ideas, and finds abstract ideas hard "
                "without objects or pictures. {He} works hard and is proud when {he} succeeds.",
                PRIMARY_UP,
            ),
            Banded(
                "{name} has moderate learning difficulties. {He} finds it hard to hold several "
                "steps in mind at once, so instructions and tasks with many steps are a "
                "barrier. {His} understanding of the world is stronger than {his} reading and "
                "writing suggest.",
                PRIMARY_UP,
            ),
            Banded(
                "{name} is developing more slowly than other children {his} age in play, "
                "language and early number. {He} needs many repetitions to learn new routines "
                "and words, and learns best through hands-on play with an adult alongside.",
                frozenset({EY}),
            ),
        ),
        also="{He} also has moderate learning difficulties and needs new learning broken into "
        "small steps.",
        area="reading and maths",
        professional="the specialist teacher",
        strategies=(
            (S, "Break tasks into small steps with a checklist {he} can tick off."),
            (S, "Use objects (counters, Numicon, real coins) before pictures and numbers."),
            (S, "Revisit new learning little and often across the week."),
            (A, Banded("Word banks and sentence starters for writing.", PRIMARY_UP)),
            (
                S,
                "Check understanding by asking {him} to show or tell, not just whether {he} "
                "understands.",
            ),
        ),
        how_to_support=(
            "Show me how to do it first, then let me try.",
            "I need to practise things lots of times. Please don't rush me.",
        ),
        outcomes=(
            Banded(
                "{name} will read and spell the first 100 high-frequency words.",
                frozenset({PRIMARY}),
            ),
            Banded(
                "{name} will add and subtract within 20 using a number line on {his} own.",
                frozenset({PRIMARY}),
            ),
            Banded(
                "{name} will complete a three-step task using a visual checklist without adult "
                "help.",
                PRIMARY_UP,
            ),
            Banded("{name} will write three connected sentences using a word bank.", PRIMARY_UP),
            Banded(
                "{name} will work out the change from a purchase using a calculator, in class "
                "and on a trip to the shops.",
                SECONDARY_UP,
            ),
            Banded(
                "{name} will match and sort objects by colour and size during play.",
                frozenset({EY}),
            ),
        ),
        support={
            "targeted": (
                Support(
                    "Precision teaching of high-frequency words",
                    "{name} reads the target words quickly and accurately",
                    "Teaching assistant",
                    ONE,
                    10,
                    5,
                    "week",
                    "Short daily sessions suit {name}'s memory.",
                ),
                Support(
                    "Small-group maths with concrete resources",
                    "{name} understands number to 20 and uses it in class",
                    "Teaching assistant",
                    SMALL,
                    20,
                    3,
                    "week",
                    "Objects first, then pictures, then numbers.",
                    bands=EARLY_AND_PRIMARY,
                ),
                Support(
                    "Phonics catch-up group",
                    "{name} uses phonics to read and spell simple words",
                    "Teaching assistant trained in the school's phonics scheme",
                    SMALL,
                    20,
                    4,
                    "week",
                    "Closes gaps in phonics knowledge.",
                    bands=frozenset({PRIMARY}),
                ),
                Support(
                    "Literacy and numeracy group in place of a modern foreign language",
                    "{name} closes gaps in reading and number",
                    "Learning support teacher",
                    SMALL,
                    50,
                    2,
                    "week",
                    "Agreed with {name} and {his} family.",
                    bands=frozenset({SECONDARY}),
                    mainstream_only=True,
                ),
            ),
            "targeted_plus": (
                Support(
                    "Educational psychology assessment of learning, with advice to staff",
                    "Teaching is matched to how {name} learns best",
                    "Educational psychologist",
                    ONE,
                    90,
                    1,
                    "year",
                    "A clearer picture of how {name} learns is needed to plan teaching.",
                    provider=LA,
                ),
                Support(
                    "Learning support teacher assessment and programme",
                    "{name} follows an individual programme that closes gaps",
                    "Specialist teacher",
                    ONE,
                    60,
                    1,
                    "term",
                    "Specialist advice on a tailored programme.",
                    provider=LA,
                    bands=PRIMARY_UP,
                ),
            ),
            "specialist": (
                Support(
                    "Daily individual literacy and numeracy programme",
                    "{name} makes measurable progress in reading and number",
                    "Teaching assistant",
                    ONE,
                    30,
                    5,
                    "week",
                    "Specified in the EHC plan.",
                    bands=PRIMARY_UP,
                ),
            ),
        },
    ),
    "SPLD": NeedText(
        descriptions=(
            "{name} has dyslexia. {His} reading is slow and effortful and {his} spelling is hard "
            "to read, although {his} ideas and spoken vocabulary are strong. Copying from the "
            "board and reading long passages tire {him} quickly, so {he} falls behind in lessons "
            "that depend on reading.",
            "{name} has difficulties with number: {he} struggles to remember number facts and to "
            "understand place value, even with lots of practice. {He} becomes anxious in maths "
            "lessons and may avoid starting work.",
            "{name} has features of developmental coordination disorder (dyspraxia). Handwriting "
            "is slow and tiring, and {he} finds it hard to organise {his} equipment and work. "
            "{He} understands far more than {his} written work shows.",
        ),
        also="{He} also has dyslexic difficulties, so reading and writing take {him} longer.",
        area="reading and writing",
        professional="the specialist teacher",
        strategies=(
            (A, "Printed copies of notes instead of copying from the board."),
            (A, "A cream background on slides and a coloured overlay for reading."),
            (A, "A laptop for longer pieces of writing."),
            (S, "Do not ask {him} to read aloud in front of the class unless {he} volunteers."),
            (A, "25% extra time in tests."),
            (S, "Mark for ideas and content separately from spelling."),
        ),
        how_to_support=(
            "Please don't make me read out loud in class.",
            "Let me use a laptop for writing.",
            "Give me the notes printed out so I don't have to copy.",
        ),
        outcomes=(
            "{name} will read age-appropriate texts at 80 words per minute with good "
            "understanding.",
            "{name} will touch-type a paragraph in 15 minutes.",
            "{name} will spell the words on {his} personal spelling list correctly in {his} own "
            "writing.",
            "{name} will recall times tables to 10 x 10 quickly.",
        ),
        support={
            "targeted": (
                Support(
                    "Structured, multi-sensory phonics and spelling programme",
                    "{name} reads and spells more accurately",
                    "Trained teaching assistant",
                    ONE,
                    20,
                    3,
                    "week",
                    "Recommended for dyslexic difficulties.",
                    bands=PRIMARY_UP,
                ),
                Support(
                    "Touch-typing programme",
                    "{name} types faster than {he} handwrites",
                    "Teaching assistant",
                    SMALL,
                    15,
                    3,
                    "week",
                    "Typing lifts the barrier of handwriting.",
                    bands=PRIMARY_UP,
                ),
                Support(
                    "Paired reading for fluency",
                    "{name} reads more fluently and with more confidence",
                    "Trained older pupil, supervised by a teaching assistant",
                    ONE,
                    10,
                    4,
                    "week",
                    "Frequent practice builds fluency.",
                    bands=frozenset({PRIMARY, SECONDARY}),
                ),
            ),
            "targeted_plus": (
                Support(
                    "Specialist teacher assessment for dyslexia and a tailored programme",
                    "{name} follows a programme matched to {his} profile",
                    "Specialist teacher (specific learning difficulties)",
                    ONE,
                    60,
                    1,
                    "term",
                    "Less common needs requiring specialist advice.",
                    provider=LA,
                ),
                Support(
                    "Occupational therapy advice on handwriting and motor skills",
                    "{name} uses equipment and exercises that make writing easier",
                    "Occupational therapist",
                    ONE,
                    45,
                    1,
                    "term",
                    "Motor difficulties affect {his} written work.",
                    provider=NHS,
                ),
            ),
            "specialist": (
                Support(
                    "Individual specialist literacy teaching",
                    "{name} makes measurable progress in reading and spelling",
                    "Specialist teacher (specific learning difficulties)",
                    ONE,
                    45,
                    2,
                    "week",
                    "Specified in the EHC plan.",
                ),
            ),
        },
    ),
    "SLD": NeedText(
        descriptions=(
            "{name} has severe learning difficulties and is working within the engagement steps. "
            "{He} communicates with some single words, signs and symbols, and needs adult support "
            "for most self-care. {He} learns best through repetition, routine and hands-on "
            "activities.",
            "{name} has severe learning difficulties. {He} understands simple sentences about "
            "familiar things and uses Makaton signs alongside speech. {He} needs support to stay "
            "safe and to move between activities.",
        ),
        also="{He} also has severe learning difficulties and needs a highly structured day.",
        area="communication and independence",
        professional="the speech and language therapist",
        strategies=(
            (S, "Use Makaton signs with speech, and symbols for the day's routine."),
            (S, "Use objects of reference to show what is happening next."),
            (S, "Give {him} time to respond, and accept signs and gestures as answers."),
            (A, "A consistent routine with a small number of familiar adults."),
        ),
        how_to_support=(
            "Use my signs with me.",
            "Show me the object for what we are doing next.",
        ),
        outcomes=(
            "{name} will use ten new signs or symbols to make requests at snack and play times.",
            "{name} will wash and dry {his} hands independently after using the toilet.",
            "{name} will stay with a shared activity for five minutes with one adult and one "
            "other child.",
        ),
        support={
            "targeted_plus": (
                Support(
                    "Speech and language therapy advice on signs, symbols and communication aids",
                    "{name} has a consistent way to make choices across the day",
                    "Speech and language therapist",
                    ONE,
                    45,
                    1,
                    "half_term",
                    "Specialist advice on augmentative communication.",
                    provider=NHS,
                ),
            ),
            "specialist": (
                Support(
                    "Intensive Interaction sessions",
                    "{name} initiates and enjoys shared interaction",
                    "Teaching assistant",
                    ONE,
                    15,
                    5,
                    "week",
                    "Specified in the EHC plan.",
                ),
                Support(
                    "Signs and symbols teaching session",
                    "{name} uses new signs and symbols to make requests",
                    "Class team, following the therapist's programme",
                    SMALL,
                    20,
                    5,
                    "week",
                    "Specified in the EHC plan.",
                ),
                Support(
                    "Independence and self-care programme",
                    "{name} does more of {his} personal care independently",
                    "Teaching assistant",
                    ONE,
                    20,
                    5,
                    "week",
                    "Specified in the EHC plan.",
                ),
            ),
        },
    ),
    "PMLD": NeedText(
        descriptions=(
            "{name} has profound and multiple learning difficulties, with complex health needs "
            "and very limited mobility. {He} communicates through facial expressions, sounds and "
            "body movement, and needs familiar adults who know {his} responses well. {He} learns "
            "through sensory experiences and needs full support for personal care and eating.",
        ),
        also="{He} also has profound and multiple learning difficulties.",
        area="communication and physical wellbeing",
        professional="the physiotherapist",
        strategies=(
            (S, "Approach {him} from the front and say {his} name before touching {him}."),
            (S, "Use on-body signs and objects of reference before each activity."),
            (A, "Reposition {him} every 30 minutes, following {his} postural management plan."),
            (S, "Watch for {his} 'more' and 'finished' responses and act on them."),
        ),
        how_to_support=(
            "I smile when I like something and turn my head away when I have had enough.",
            "Tell me what is going to happen before you move me.",
        ),
        outcomes=(
            "{name} will show a consistent response (a smile or a sound) to ask for 'more' "
            "during a sensory activity.",
            "{name} will reach towards and explore an object within {his} reach, with less "
            "hand-under-hand support.",
        ),
        support={
            "specialist": (
                Support(
                    "Physiotherapy programme delivered in class",
                    "{name} keeps {his} range of movement and is comfortable",
                    "Teaching assistant trained by the physiotherapist",
                    ONE,
                    20,
                    5,
                    "week",
                    "Specified in the EHC plan.",
                ),
                Support(
                    "Physiotherapy review and hydrotherapy",
                    "{name}'s postural plan is kept up to date",
                    "Physiotherapist",
                    ONE,
                    30,
                    1,
                    "week",
                    "Specified in the EHC plan.",
                    provider=NHS,
                ),
                Support(
                    "Sensory curriculum sessions",
                    "{name} responds to and anticipates familiar sensory experiences",
                    "Class teacher and teaching assistant",
                    SMALL,
                    30,
                    3,
                    "week",
                    "Specified in the EHC plan.",
                ),
                Support(
                    "Support at mealtimes following {his} eating and drinking plan",
                    "{name} eats and drinks safely and comfortably",
                    "Trained teaching assistant",
                    ONE,
                    40,
                    5,
                    "week",
                    "Eating and drinking plan from speech and language therapy.",
                ),
            ),
        },
    ),
    "HI": NeedText(
        descriptions=(
            "{name} has a moderate hearing loss in both ears and wears hearing aids. In a noisy "
            "room {he} misses parts of what is said, especially by other children, and tires by "
            "the afternoon from the effort of listening. {His} vocabulary is behind that of "
            "others {his} age as a result.",
            Banded(
                "{name} is profoundly deaf and has a cochlear implant. {He} uses spoken English "
                "and some British Sign Language. Group discussions and videos without subtitles "
                "are hard for {him} to follow.",
                PRIMARY_UP,
            ),
        ),
        also="{He} also has a hearing loss and wears hearing aids.",
        area="listening and vocabulary",
        professional="the teacher of the deaf",
        strategies=(
            (
                A,
                Banded(
                    "Seat {him} near the front, away from the door and windows, with a clear "
                    "view of the teacher's face.",
                    PRIMARY_UP,
                ),
            ),
            (
                A,
                Banded(
                    "Use the radio aid in all lessons and assemblies; check it each morning.",
                    PRIMARY_UP,
                ),
            ),
            (S, Banded("Repeat other children's answers before responding.", PRIMARY_UP)),
            (A, Banded("Subtitles on all videos.", PRIMARY_UP)),
            (
                S,
                Banded(
                    "Get down to {his} level and make sure {he} can see your face before you "
                    "speak.",
                    frozenset({EY}),
                ),
            ),
            (
                A,
                Banded(
                    "Keep background noise low at group times: music off, doors closed.",
                    frozenset({EY}),
                ),
            ),
        ),
        how_to_support=(
            "Face me when you talk so I can see your lips.",
            "Check my radio aid is switched on.",
        ),
        outcomes=(
            Banded(
                "{name} will check {his} own hearing aids each morning and tell an adult if "
                "something is wrong.",
                PRIMARY_UP,
            ),
            Banded(
                "{name} will learn and use the key words for each topic, shown in a check "
                "before and after the topic.",
                PRIMARY_UP,
            ),
            Banded("{name} will turn to {his} name when called in a quiet room.", frozenset({EY})),
            Banded(
                "{name} will keep {his} hearing aids in for the whole session.", frozenset({EY})
            ),
        ),
        support={
            "targeted": (
                Support(
                    "Daily hearing aid and radio aid check",
                    "{name}'s equipment works every day",
                    "Teaching assistant or key person",
                    ONE,
                    5,
                    5,
                    "week",
                    "Faulty equipment means lost learning.",
                ),
            ),
            "targeted_plus": (
                Support(
                    "Visits from a qualified teacher of the deaf",
                    "Staff adapt teaching and the room for {name}'s hearing",
                    "Qualified teacher of the deaf",
                    ONE,
                    60,
                    1,
                    "half_term",
                    "Specialist advice from the sensory support service.",
                    provider=LA,
                ),
            ),
            "specialist": (
                Support(
                    "Direct teaching from a qualified teacher of the deaf",
                    "{name}'s language and listening skills develop in line with {his} outcomes",
                    "Qualified teacher of the deaf",
                    ONE,
                    60,
                    1,
                    "week",
                    "Specified in the EHC plan.",
                    provider=LA,
                ),
                Support(
                    "Communication support in lessons (British Sign Language and English)",
                    "{name} follows lessons and group discussions",
                    "Communication support worker",
                    ONE,
                    180,
                    5,
                    "week",
                    "Specified in the EHC plan.",
                    bands=PRIMARY_UP,
                ),
            ),
        },
    ),
    "VI": NeedText(
        descriptions=(
            Banded(
                "{name} has a vision impairment and reads print enlarged to N24. {He} finds it "
                "hard to see the board, to find things on a busy page and to move around "
                "unfamiliar places safely. {He} tires from the effort of looking by the end of "
                "the day.",
                PRIMARY_UP,
            ),
            Banded(
                "{name} has a vision impairment. {He} explores toys by holding them very close "
                "and by touch, and can be unsettled in new or busy rooms until {he} knows where "
                "things are. {He} needs more time and adult help to join in with what others "
                "are doing.",
                frozenset({EY}),
            ),
        ),
        also="{He} also has a vision impairment and needs enlarged print.",
        area="access to print and moving around safely",
        professional="the qualified teacher of vision impairment",
        strategies=(
            (
                A,
                Banded("All print enlarged to N24, or on an iPad so {he} can zoom in.", PRIMARY_UP),
            ),
            (A, "Seat {him} with {his} back to the window to reduce glare."),
            (S, "Say {his} name and your name when you come over to {him}."),
            (A, "Keep the layout of the room the same, and tell {him} about any changes."),
        ),
        how_to_support=(
            "Tell me who you are when you come over.",
            "Give me my work in big print.",
        ),
        outcomes=(
            Banded(
                "{name} will use {his} iPad to see the board on {his} own in all lessons.",
                PRIMARY_UP,
            ),
            Banded(
                "{name} will find and name favourite toys presented in high contrast.",
                frozenset({EY}),
            ),
            "{name} will find {his} way on {his} own between {his} room, the toilets and the "
            "outdoor area.",
        ),
        support={
            "targeted": (
                Support(
                    "Preparing enlarged resources before each lesson",
                    "{name} has the same resources as others, at a size {he} can read",
                    "Teaching assistant",
                    ONE,
                    30,
                    5,
                    "week",
                    "Needed for access to learning.",
                    bands=PRIMARY_UP,
                ),
            ),
            "targeted_plus": (
                Support(
                    "Visits from a qualified teacher of vision impairment",
                    "Staff adapt resources and the room for {name}'s vision",
                    "Qualified teacher of vision impairment",
                    ONE,
                    60,
                    1,
                    "half_term",
                    "Specialist advice from the sensory support service.",
                    provider=LA,
                ),
                Support(
                    "Mobility and independence training",
                    "{name} moves around {place} safely and independently",
                    "Habilitation specialist",
                    ONE,
                    45,
                    3,
                    "half_term",
                    "Independence matters to {name}.",
                    provider=LA,
                ),
            ),
            "specialist": (
                Support(
                    "Braille and touch-typing teaching",
                    "{name} reads and writes using braille and a keyboard",
                    "Qualified teacher of vision impairment",
                    ONE,
                    45,
                    3,
                    "week",
                    "Specified in the EHC plan.",
                    provider=LA,
                    bands=PRIMARY_UP,
                ),
            ),
        },
    ),
    "MSI": NeedText(
        descriptions=(
            "{name} has a combined hearing and vision impairment (multi-sensory impairment). {He} "
            "relies on touch and on a small number of familiar adults to make sense of what is "
            "happening around {him}, and needs extra time to explore new objects and places.",
        ),
        also="{He} also has a multi-sensory impairment.",
        area="communication and access",
        professional="the multi-sensory impairment teacher",
        strategies=(
            (S, "Use objects of reference and on-body signs before each activity."),
            (A, "A consistent intervenor who knows {his} communication well."),
            (S, "Give {him} time to explore objects with {his} hands before starting."),
        ),
        how_to_support=("Let me touch things first so I know what they are.",),
        outcomes=("{name} will use object cues to anticipate the next activity in {his} day.",),
        support={
            "specialist": (
                Support(
                    "Intervenor support throughout the day",
                    "{name} has consistent access to communication and learning",
                    "Trained intervenor",
                    ONE,
                    300,
                    5,
                    "week",
                    "Specified in the EHC plan.",
                ),
                Support(
                    "Visits from a qualified teacher of multi-sensory impairment",
                    "Staff use consistent approaches to communication",
                    "Qualified teacher of multi-sensory impairment",
                    ONE,
                    60,
                    1,
                    "half_term",
                    "Specified in the EHC plan.",
                    provider=LA,
                ),
            ),
        },
    ),
    "PD": NeedText(
        descriptions=(
            "{name} has cerebral palsy affecting both legs, and uses a walking frame in {place} "
            "and a wheelchair for longer distances. {He} tires easily and finds drawing, writing "
            "and cutting hard. {His} understanding is in line with {his} age; the barriers are "
            "physical access and fatigue.",
            Banded(
                "{name} has a physical disability affecting {his} hands and balance. Written "
                "work takes {him} much longer than others, and PE and practical subjects need "
                "adapting so that {he} can join in safely.",
                PRIMARY_UP,
            ),
        ),
        also="{He} also has a physical disability and tires easily.",
        area="physical access and writing",
        professional="the physiotherapist and occupational therapist",
        strategies=(
            (
                A,
                Banded(
                    "Extra time to move between lessons, leaving five minutes early with a friend.",
                    SECONDARY_UP,
                ),
            ),
            (
                A,
                Banded(
                    "A sloped writing board and pencil grip; a laptop for longer writing.",
                    PRIMARY_UP,
                ),
            ),
            (A, "Rest breaks in the afternoon when {he} is tired."),
            (A, Banded("Adapted PE, with the physiotherapy programme built in.", SCHOOL_AGE)),
            (
                A,
                Banded(
                    "A supportive chair at group times, as set out by the physiotherapist.",
                    frozenset({EY}),
                ),
            ),
        ),
        how_to_support=(
            "Let me do it myself first, even if it takes longer.",
            "Let me leave a bit early so I don't get bumped in the corridor.",
        ),
        outcomes=(
            "{name} will move around {place} safely and independently, using {his} walking aid "
            "where needed.",
            Banded("{name} will write a paragraph or more using {his} laptop.", PRIMARY_UP),
            Banded(
                "{name} will take part in PE every week with adaptations agreed with the "
                "physiotherapist.",
                SCHOOL_AGE,
            ),
            Banded(
                "{name} will use {his} walker to move between the indoor and outdoor areas with "
                "an adult nearby.",
                frozenset({EY}),
            ),
        ),
        support={
            "targeted": (
                Support(
                    "Fine motor skills group",
                    "{name}'s pencil control and hand strength improve",
                    "Teaching assistant",
                    SMALL,
                    15,
                    3,
                    "week",
                    "Builds the skills {name} needs for drawing and writing.",
                    bands=EARLY_AND_PRIMARY,
                ),
                Support(
                    "Physiotherapy exercises from the therapist's programme",
                    "{name} keeps {his} strength and mobility",
                    "Teaching assistant trained by the physiotherapist",
                    ONE,
                    20,
                    3,
                    "week",
                    "Regular exercise between therapy reviews.",
                ),
            ),
            "targeted_plus": (
                Support(
                    "Physiotherapy review and updated programme",
                    "{name}'s programme matches {his} current needs",
                    "Physiotherapist",
                    ONE,
                    45,
                    1,
                    "half_term",
                    "Specialist review of {his} physical needs.",
                    provider=NHS,
                ),
                Support(
                    "Occupational therapy assessment for seating and equipment",
                    "{name} has the right seating and equipment in every room",
                    "Occupational therapist",
                    ONE,
                    60,
                    1,
                    "term",
                    "Access to learning depends on the right equipment.",
                    provider=NHS,
                ),
            ),
            "specialist": (
                Support(
                    "One-to-one support with personal care and moving around",
                    "{name} is safe, comfortable and as independent as possible",
                    "Teaching assistant",
                    ONE,
                    60,
                    5,
                    "week",
                    "Specified in the EHC plan.",
                ),
                Support(
                    "Weekly physiotherapy",
                    "{name} maintains {his} mobility",
                    "Physiotherapist",
                    ONE,
                    30,
                    1,
                    "week",
                    "Specified in the EHC plan.",
                    provider=NHS,
                ),
            ),
        },
    ),
    "DS": NeedText(
        descriptions=(
            "{name} has Down syndrome. {He} is a strong visual learner and enjoys routine, but "
            "finds it hard to process spoken language and to remember a sequence of "
            "instructions. {His} speech can be hard to understand, and {he} has a mild hearing "
            "loss that audiology keeps under review.",
        ),
        also="{He} also has Down syndrome and learns best visually.",
        area="language and independence",
        professional="the speech and language therapist",
        strategies=(
            (S, "Show, don't just tell: pictures, written words and signs alongside speech."),
            (A, "A visual timetable, with a now-and-next board for transitions."),
            (S, "Give one instruction at a time and check {he} has heard it."),
        ),
        how_to_support=("Show me what to do with pictures and signs.",),
        outcomes=(
            "{name} will follow a visual timetable to move between activities with less adult "
            "prompting.",
            "{name} will use two-word phrases with signs to ask for things.",
        ),
        support={
            "targeted": (
                Support(
                    "Reading through sight words (Down syndrome reading programme)",
                    "{name} reads and uses a growing bank of words",
                    "Teaching assistant",
                    ONE,
                    15,
                    5,
                    "week",
                    "Sight-word reading suits {name}'s visual strengths.",
                    bands=PRIMARY_UP,
                ),
            ),
            "targeted_plus": (
                Support(
                    "Speech and language therapy advice and targets",
                    "{name}'s speech becomes clearer and {his} sentences longer",
                    "Speech and language therapist",
                    ONE,
                    45,
                    1,
                    "half_term",
                    "Specialist advice for language and speech.",
                    provider=NHS,
                ),
            ),
            "specialist": (
                Support(
                    "Daily individual language and reading programme",
                    "{name} makes progress towards {his} communication outcomes",
                    "Teaching assistant trained by the therapist",
                    ONE,
                    20,
                    5,
                    "week",
                    "Specified in the EHC plan.",
                ),
            ),
        },
    ),
    "OTH": NeedText(
        descriptions=(
            "{name} has epilepsy, with frequent absence seizures lasting a few seconds. {He} "
            "misses parts of what is said without realising, and {his} medication makes {him} "
            "tired in the mornings. {He} can look distracted when {he} has in fact missed "
            "information.",
            "{name} has a long-term medical condition that causes fatigue and means {he} misses "
            "time at {place} for hospital appointments. Gaps in {his} learning come mainly from "
            "missed time, and {he} worries about falling behind {his} friends.",
        ),
        also="{He} also has a medical condition that affects {his} energy and attendance.",
        area="catching up on missed learning",
        professional="the school nursing team",
        strategies=(
            (A, "Staff trained in {his} healthcare plan."),
            (S, "Check in after a seizure or absence and re-explain what {he} missed."),
            (A, Banded("A printed summary of each lesson's key points.", PRIMARY_UP)),
        ),
        how_to_support=(
            "Tell me what I missed if I zone out.",
            "I get tired in the mornings. Give me a minute to get going.",
        ),
        outcomes=(
            Banded(
                "{name} will catch up on missed learning through weekly sessions, with key "
                "topics checked each half term.",
                PRIMARY_UP,
            ),
            Banded(
                "{name} will take part in {his} favourite activities on most days, resting when "
                "{he} needs to.",
                frozenset({EY}),
            ),
        ),
        support={
            "targeted": (
                Support(
                    "Weekly catch-up session on missed learning",
                    "{name} keeps up with key topics despite absences",
                    "Class teacher",
                    ONE,
                    30,
                    1,
                    "week",
                    "Absences leave gaps.",
                    bands=PRIMARY_UP,
                ),
            ),
            "targeted_plus": (
                Support(
                    "School nurse review of the individual healthcare plan",
                    "{name}'s healthcare plan is up to date and staff are trained",
                    "School nurse",
                    ONE,
                    30,
                    1,
                    "term",
                    "{His} condition needs health input in {place}.",
                    provider=NHS,
                ),
            ),
        },
    ),
    "NSA": NeedText(
        descriptions=(
            Banded(
                "{name} is making much slower progress than expected in reading, writing and "
                "maths, and adults are not yet sure why. {He} has not had a specialist "
                "assessment. Staff are gathering information through observation and assessment "
                "with {his} family, and are putting support in place in the meantime.",
                PRIMARY_UP,
            ),
            "{name} finds new learning hard to hold on to and needs a lot of reassurance to start "
            "tasks. There has been no specialist assessment; support is planned from what staff "
            "and {his} family see.",
        ),
        also="",
        area="learning and confidence",
        professional="the educational psychologist",
        strategies=(
            (S, "Short, focused tasks with a clear finish point."),
            (S, Banded("Regular check-ins from the teacher during independent work.", PRIMARY_UP)),
            (S, "Keep a note of what helps and what does not, to share at the review."),
        ),
        how_to_support=(
            "Help me get started, then I can keep going.",
            "Tell me when I'm doing well.",
        ),
        outcomes=(
            Banded(
                "{name} will read and understand a simple sentence using the phonics taught in "
                "class.",
                frozenset({PRIMARY}),
            ),
            Banded(
                "{name} will work on {his} own for ten minutes with one check-in from an adult.",
                PRIMARY_UP,
            ),
            Banded(
                "{name} will join in a small-group story time, copying the actions.",
                frozenset({EY}),
            ),
        ),
        support={
            "targeted": (
                Support(
                    "Small-group reading and phonics support",
                    "{name} closes gaps in early reading",
                    "Teaching assistant",
                    SMALL,
                    20,
                    3,
                    "week",
                    "Targets the area of slowest progress.",
                    bands=frozenset({PRIMARY}),
                ),
                Support(
                    "Assess, plan, do, review: structured observation over a half term",
                    "Adults understand {name}'s needs well enough to plan the right support",
                    "SENCO",
                    ONE,
                    30,
                    1,
                    "week",
                    "No specialist assessment yet; the graduated approach gathers evidence.",
                ),
            ),
        },
    ),
}

# Support open to every child, whatever the need, by layer.
GENERAL_SUPPORT: dict[str, tuple[Support, ...]] = {
    "universal": (
        Support(
            "Daily check-in with the class teacher to go through the day",
            "{name} starts the day knowing what will happen and who to ask for help",
            "Class teacher",
            ONE,
            5,
            5,
            "week",
            "Predictable starts help {name} settle to learning.",
            bands=frozenset({PRIMARY}),
        ),
        Support(
            "Daily one-to-one time with the key person, using the strategies in What works",
            "{name} feels settled and has an adult who knows {him} well",
            "Key person",
            ONE,
            10,
            5,
            "week",
            "A secure relationship is the base for early learning.",
            bands=frozenset({EY}),
        ),
        Support(
            "Pre-teaching of key vocabulary before each new topic",
            "{name} follows new topics and uses the key words",
            "Teaching assistant",
            SMALL,
            15,
            1,
            "week",
            "Knowing the words first lets {name} join in.",
            bands=PRIMARY_UP,
        ),
        Support(
            "Help to organise: checking the planner and packing up at the end of the day",
            "{name} has the right things and knows what homework is due",
            "Form tutor",
            ONE,
            10,
            5,
            "week",
            "Organisation is a barrier for {name}.",
            bands=SECONDARY_UP,
        ),
        Support(
            "Adjusted seating and printed resources in every lesson, as in What works",
            "{name} can see, hear and follow each lesson",
            "Class teacher",
            CLASS,
            60,
            5,
            "week",
            "Small changes to everyday teaching remove barriers.",
            bands=PRIMARY_UP,
        ),
    ),
    "targeted": (
        Support(
            "Small-group catch-up in English and maths",
            "{name} closes gaps in reading, writing and number",
            "Teaching assistant",
            SMALL,
            30,
            3,
            "week",
            "Gaps identified at the review.",
            bands=PRIMARY_UP,
        ),
        Support(
            "Small-group play sessions with the key person, following this passport's plan",
            "{name} plays alongside and with other children, using new words and skills",
            "Key person",
            SMALL,
            20,
            3,
            "week",
            "Play is how {name} learns best at this age.",
            bands=frozenset({EY}),
        ),
        Support(
            "Study skills sessions with a learning support tutor",
            "{name} plans and completes assignments on time",
            "Learning support tutor",
            ONE,
            45,
            1,
            "week",
            "Assignments are where {name} needs most help.",
            bands=frozenset({POST16}),
        ),
    ),
    "targeted_plus": (
        Support(
            "Consultation with the educational psychologist",
            "Staff and family share an understanding of {name}'s needs and a plan",
            "Educational psychologist",
            ONE,
            60,
            1,
            "term",
            "Less common needs that need specialist advice.",
            provider=LA,
        ),
        Support(
            "Travel training so {name} can get to {place} independently",
            "{name} travels to and from {place} on {his} own",
            "Travel trainer",
            ONE,
            60,
            2,
            "week",
            "Preparing for adulthood: independence.",
            provider=LA,
            bands=frozenset({POST16}),
        ),
        Support(
            "Portage home visits, with the key person joining some visits",
            "{name}'s family and key person follow one play-based plan at home and at nursery",
            "Portage home visitor",
            ONE,
            60,
            3,
            "half_term",
            "Early support for the family, shared with the setting.",
            provider=LA,
            bands=frozenset({EY}),
        ),
    ),
    "specialist": (
        Support(
            "One-to-one support in lessons from a trained teaching assistant",
            "{name} accesses the curriculum and works towards {his} EHC plan outcomes",
            "Teaching assistant",
            ONE,
            120,
            5,
            "week",
            "Specified in section F of the EHC plan.",
            bands=frozenset({PRIMARY, SECONDARY}),
        ),
        Support(
            "In-class support from a learning support assistant",
            "{name} completes {his} course and works towards independence",
            "Learning support assistant",
            ONE,
            180,
            4,
            "week",
            "Specified in section F of the EHC plan.",
            bands=frozenset({POST16}),
        ),
        Support(
            "Preparing for adulthood: independent living skills group",
            "{name} can shop, cook a simple meal and manage money",
            "Life skills tutor",
            SMALL,
            60,
            1,
            "week",
            "{name} wants to live more independently.",
            bands=frozenset({POST16}),
        ),
        Support(
            "Key person support for {his} EHC plan outcomes throughout the session",
            "{name} takes part in play and learning alongside other children",
            "Key person",
            ONE,
            120,
            5,
            "week",
            "Specified in the EHC plan.",
            bands=frozenset({EY}),
        ),
    ),
}
