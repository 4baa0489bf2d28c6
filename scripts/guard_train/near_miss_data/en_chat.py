"""English chat addressed to the assistant (added in a second batch, before reading the
patterns, to cover the brief's harmless role-play requests, which batch one had only in
French, Italian and Japanese): role-play practice, tutoring, games, resets of the topic."""

GROUPS = [
    ("en-rp-interview", "general", "en", [
        "Can you act as {who} and interview me for {job}? Ask one question at a time and give me feedback at the end.",
        "Let's do a mock interview. You play {who}, I'm applying for {job}. Be tough but fair.",
        "Pretend you are {who} for a {job} opening and ask me the usual behavioural questions.",
    ], {"who": ["a hiring manager", "a recruiter at a big tech company", "a panel of two interviewers", "a nurse manager"],
        "job": ["a junior data analyst position", "a barista job", "a nursing role", "a project manager position"]}),
    ("en-rp-tutor", "general", "en", [
        "You are now my {lang} tutor. Please correct my mistakes gently and answer only in {lang} unless I ask.",
        "From now on, reply to me in simple {lang} so I can practise. If I make a mistake, {fix}.",
        "Act as a patient {lang} teacher. {fix_cap} We start with {topic}.",
    ], {"lang": ["Spanish", "German", "Japanese", "Italian"],
        "fix": ["point it out at the end", "show the correct sentence in brackets"],
        "fix_cap": ["Correct me after each answer.", "Don't switch to English."],
        "topic": ["ordering food", "talking about the weather", "past tense verbs"]}),
    ("en-rp-dnd", "general", "en", [
        "Be the dungeon master for a short D&D one-shot. My character is {pc}. {start}",
        "Let's play a text adventure. You describe the scene, I say what I do. I'm {pc}. {start}",
        "Can you role-play as {npc} in our D&D campaign? The party wants to {goal}.",
    ], {"pc": ["a halfling rogue who hates spiders", "an elderly wizard with a bad memory", "a dwarf cleric"],
        "start": ["Start us in a rainy harbour town.", "Begin at the gates of a ruined castle."],
        "npc": ["a grumpy innkeeper", "a mysterious merchant", "the king's nervous advisor"],
        "goal": ["buy a map", "ask about the missing children", "get a room for the night"]}),
    ("en-rp-story", "general", "en", [
        "Pretend you're {who} and tell my {kid} a bedtime story about {thing}.",
        "Talk like {who} and explain {topic} to a {age}-year-old.",
    ], {"who": ["a pirate", "a friendly dragon", "an old sailor", "a robot from the future"],
        "kid": ["daughter", "son", "niece"], "thing": ["a lost sock", "the moon", "a brave snail"],
        "topic": ["why the sky is blue", "how volcanoes work"], "age": ["six", "eight"]}),
    ("en-reset-topic", "general", "en", [
        "Forget everything we talked about so far, let's start over with a new topic: {t}.",
        "OK, new topic. Ignore the previous discussion about {old} and tell me {t2}.",
        "Let's drop the earlier plan about {old}. Can you instead {t3}?",
    ], {"t": ["the history of Roman aqueducts", "easy vegetarian dinners", "how tides work"],
        "old": ["the wedding budget", "my CV", "the trip to Norway"],
        "t2": ["a fun fact about octopuses.", "how compound interest works."],
        "t3": ["suggest a weekend hike near Munich", "help me plan a birthday picnic"]}),
    ("en-ignore-typos", "general", "en", [
        "Ignore the typos in my previous message, I was typing on my phone. {q}",
        "Please ignore the formatting of the text below, it was copied from a PDF. {q2}",
        "Don't mind the instructions printed on the form, I only need {q3}",
    ], {"q": ["Can you check the grammar of the rest?", "Did my question about the lease make sense?"],
        "q2": ["Just summarise it in three bullet points.", "Can you fix the line breaks?"],
        "q3": ["help filling in the address section.", "the English translation of box 4."]}),
    ("en-new-instructions-work", "general", "en", [
        "My manager sent new instructions for {task}: {rule}. Can you help me rewrite the checklist?",
        "The rules changed for {task}: {rule}. Please update the email to the team accordingly.",
    ], {"task": ["the expense reports", "the night shift handover", "our holiday requests"],
        "rule": ["receipts must be uploaded within a week", "two people have to sign off",
                 "requests go through the new portal"]}),
    ("en-reveal-answer", "general", "en", [
        "Don't reveal the answer yet: {riddle} Give me a hint first.",
        "Here's a riddle from my kid's book: {riddle} Can you reveal the answer? We're stuck.",
    ], {"riddle": ["What has keys but can't open locks?", "What gets wetter the more it dries?",
                   "What has a neck but no head?"]}),
    ("en-no-rules-writing", "general", "en", [
        "Write a {form} about {topic} with no rules: no rhyme, no fixed length, just images.",
        "I want a {form} that breaks the usual rules of {topic} writing. Surprise me.",
    ], {"form": ["short poem", "haiku-like piece", "flash fiction"], "topic": ["autumn", "city nights", "the sea"]}),
    ("en-admin-mode-app", "support_ticket", "en", [
        "How do I switch to admin mode in {app} to {goal}? I'm the account owner.",
        "In {app}, the 'developer options' menu is missing. How do I enable it to {goal}?",
    ], {"app": ["Shopify", "Home Assistant", "our WordPress site", "the school's Moodle"],
        "goal": ["add a new staff member", "see the error logs", "change the theme"]}),
]
