"""Sentences the benchmark composes its free text from, so sections have realistic sizes.

Made up for the benchmark; several sentences are joined per field so lengths vary like real
passports (About me answers of a few hundred characters, reviews of several hundred).
"""

from __future__ import annotations

from passport.demo import content

GIVEN_NAMES = [
    "Amelia",
    "Olivia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Rosie",
    "Sophia",
    "Grace",
    "Freya",
    "Willow",
    "Florence",
    "Emily",
    "Ella",
    "Poppy",
    "Evie",
    "Elsie",
    "Charlotte",
    "Noah",
    "Muhammad",
    "Oliver",
    "George",
    "Leo",
    "Arthur",
    "Oscar",
    "Harry",
    "Archie",
    "Jack",
    "Henry",
    "Charlie",
    "Freddie",
    "Theodore",
    "Thomas",
    "Finley",
    "Theo",
    "Alfie",
    "Jacob",
    "Isaac",
    "Yusuf",
    "Zara",
    "Aisha",
    "Maryam",
    "Ibrahim",
    "Amir",
    "Kai",
    "Ruby",
    "Maya",
    "Harper",
    "Aria",
    "Reuben",
    "Tomasz",
    "Zofia",
    "Kacper",
    "Chidi",
    "Ngozi",
]
# The demo's list of common English surnames: one list for every generator.
FAMILY_NAMES = content.FAMILY_NAMES

LIKED = (
    "I am kind to my friends and I always notice when someone is sad.",
    "People say I am funny and I make them laugh at lunchtime.",
    "I am really good at building things out of Lego and junk modelling.",
    "I know lots of facts about dinosaurs, trains and the planets.",
    "I work hard when the work is something I am interested in.",
    "My teachers say I am helpful and I like giving out the books.",
    "I am brave about trying new things when someone explains them first.",
    "I am good at drawing and I like to show people my sketchbook.",
    "I am loyal to my friends and I stick up for people.",
    "I am good at football and I never give up in a match.",
)
MATTERS = (
    "My family and my dog are the most important things to me.",
    "I like to know what is happening next, so a visual timetable helps me.",
    "It matters to me that I can sit near the door and have a quiet place to go.",
    "I need to have my ear defenders with me when the hall is noisy.",
    "Seeing my grandparents at the weekend is important to me.",
    "I want to be a vet, a footballer or a game designer when I grow up.",
    "I like to have the same adult at the start of the day to say hello.",
    "Having time to finish my work without being rushed matters to me.",
    "I want people to ask me before they help me, not just do it for me.",
    "Swimming on Saturdays and my Minecraft world are important to me.",
)
HOW_TO_SUPPORT = (
    "Give me one instruction at a time and check I have understood it.",
    "Let me use a movement break when I start to feel wriggly or cross.",
    "Warn me before a change, such as a supply teacher or a trip.",
    "Show me what to do as well as telling me, with a worked example.",
    "Use my name before giving me an instruction so I know it is for me.",
    "Let me write on a laptop when there is a lot of writing.",
    "Give me a job to do at busy times like lining up and lunch.",
    "Talk to me calmly and quietly if I get upset, and give me time.",
    "Seat me at the front, away from the window, where I can see the board.",
    "Pre-teach me the new words for a topic so I can join in.",
)
NEEDS_DESCRIPTION = (
    "Finds it hard to process spoken language, especially long instructions given to the class.",
    "Reading and spelling are well below age-related expectations despite phonics intervention.",
    "Becomes anxious in unstructured times and can leave the classroom without warning.",
    "Has a diagnosis of autism; sensory overload in noisy spaces leads to shutdowns.",
    "Working memory difficulties mean new learning is not retained without overlearning.",
    "Fine motor difficulties make handwriting slow and tiring; written output is limited.",
    "Expressive language is limited; uses short phrases and needs time to respond.",
    "Attention is short in whole-class teaching; does best with short, active tasks.",
    "Hearing loss in both ears; uses hearing aids and a radio aid in lessons.",
    "Difficulties with friendships and reading social situations lead to conflict at play.",
)
STRATEGIES = (
    "Visual timetable on the desk, reviewed with an adult at the start of each session.",
    "Now and next board for tasks that are hard to start.",
    "Chunk tasks into small steps with a checklist the child ticks off.",
    "Pre-teach key vocabulary for each new topic using word mats.",
    "Agreed exit card and a quiet space in the library to calm down.",
    "Seat near the teacher, away from distractions, facing the board.",
    "Give extra processing time: wait ten seconds before repeating a question.",
    "Use coloured overlays and cream paper for reading tasks.",
    "Writing frames and sentence starters for extended writing.",
    "Warn of changes to routine in the morning meeting with a trusted adult.",
    "Access to a laptop with speech-to-text for longer written work.",
    "Movement breaks every twenty minutes, such as taking a message to the office.",
)
SUPPORT = (
    ("Precision teaching of high-frequency words", "Read the first 100 common words by sight"),
    ("Speech and language programme from the therapist's plan", "Use sentences of five words"),
    ("Lego-based therapy group", "Take turns and share ideas with peers in a group"),
    ("Zones of Regulation sessions with the ELSA", "Name feelings and choose a strategy"),
    ("Fine motor group: Clever Fingers programme", "Form letters correctly and write legibly"),
    ("Maths catch-up using concrete resources", "Recall number bonds to 10 and 20"),
    ("Social stories before transitions and trips", "Cope with changes without distress"),
    ("Teaching assistant support in English lessons", "Complete writing tasks independently"),
    ("Mentoring with a member of the pastoral team", "Attend all lessons and reduce call-outs"),
    ("Touch-typing programme", "Type at 20 words a minute for written work"),
)
DELIVERED_BY = (
    "Teaching assistant",
    "SENCO",
    "Class teacher",
    "ELSA",
    "Speech and language therapist",
    "Specialist teacher",
    "Learning mentor",
)
RATIONALE = (
    "Assessment showed gaps in phonic knowledge that class teaching alone has not closed.",
    "The speech and language therapy report recommends daily practice in small steps.",
    "Incidents at unstructured times have increased; the family asked for more support.",
    "Progress over two review cycles was slower than expected, so support was stepped up.",
    "The educational psychologist advised structured, multisensory teaching.",
)
OUTCOMES = (
    "By the end of the term, will read a short passage aloud with 90% accuracy.",
    "Will ask an adult for help using the help card, without prompting, in four out of five lessons.",
    "Will stay in class for the whole lesson on at least four days a week.",
    "Will write three sentences independently using capital letters and full stops.",
    "Will use a calming strategy from the Zones of Regulation when upset, with one prompt.",
    "Will join a group game at lunchtime and follow the rules with a peer.",
    "Will know number bonds to 20 and use them to add two-digit numbers.",
    "Will travel to and from lessons independently using the map.",
)
PROGRESS_NOTES = (
    "Good progress this term; the child is proud of what they can now do.",
    "Some progress, but the target is not yet secure across different lessons.",
    "Achieved: the child now does this independently most of the time.",
    "Not started yet: the intervention begins after half term.",
)
PARTICIPANTS = (
    "SENCO, class teacher, parent, child",
    "SENCO, form tutor, mother, father, young person",
    "SENCO, teaching assistant, carer, child, speech and language therapist",
    "Head of year, SENCO, parent, young person, educational psychologist",
)
CHILD_VIEWS = (
    "I like the reading group because it is quiet and I can concentrate. I still find writing hard.",
    "I do not like it when the class is loud. The quiet space helps me calm down.",
    "Maths is better now I can use the cubes. I want to sit with my friend.",
    "I feel happier at school this term. I want help with my spelling.",
    "I find lunchtimes hard because I do not know who to play with.",
)
PARENT_VIEWS = (
    "We have seen a real change at home: more confident and talking about school.",
    "Mornings are still difficult and we would like the same adult to meet them at the gate.",
    "Homework causes arguments; we would like it shortened or adapted.",
    "We are pleased with the support but worried about the move to secondary school.",
    "Sleep is poor and this affects the next day; we have asked the GP for advice.",
)
PROGRESS_SUMMARY = (
    "Reading age has risen by eight months since the last review. Spelling remains a concern, "
    "and written work is still short. Behaviour logs show fewer incidents at lunchtime.",
    "Attendance has improved to 94%. Outcomes on independence are partly met; the child still "
    "needs prompting to start tasks. The speech and language targets have been achieved.",
    "Progress is slower than expected in maths. Anxiety before tests is high; the family and "
    "school agree to try a different approach next term and review in eight weeks.",
    "Good progress across all outcomes. The child uses their strategies with fewer prompts and "
    "has made a new friend in the class.",
)
LAYER_REASONS = (
    "Needs are met through adjustments in class and a short intervention.",
    "A review showed progress below expectations despite targeted support.",
    "Specialist advice and provision agreed; EHC plan issued.",
    "Progress is now secure; support stepped down after the review.",
)
CONTRIBUTIONS = (
    "At home he loves cooking with his dad and is very proud of his pancakes.",
    "She gets very tired after school and needs quiet time before homework.",
    "I want my teachers to know I am good at art and I want to do more of it.",
    "We have found that a countdown timer helps with changes at home too.",
)
