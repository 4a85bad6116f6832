"""The few posts written in English about Mashhad: students, visitors and residents who write in
English. {place} is the English name of a street; each text is used once."""

# category slug, title, body, kind of place ("haram", "park" or None), season
PROBLEMS_EN = [
    (
        "roads",
        "Deep pothole on {place}",
        "There is a deep pothole in the right lane on {place}. Taxis swerve around it at the last moment; someone will get hurt.",
        None,
        None,
    ),
    (
        "lighting",
        "Street lights out on {place}",
        "Most of the lights on {place} have been out for a week. Walking home from the university after dark feels unsafe.",
        None,
        None,
    ),
    (
        "waste",
        "Bins overflowing near {place}",
        "The bins near {place} were not emptied over the weekend and rubbish is blowing across the pavement.",
        None,
        "summer",
    ),
    (
        "public-transport",
        "No English signs at the metro station by {place}",
        "Visitors arriving for the shrine cannot read the station names or the exit signs at the metro near {place}. Even a simple map in English and Arabic would help.",
        "haram",
        "pilgrims",
    ),
    (
        "roads",
        "Icy pavement on {place}",
        "The pavement on {place} is a sheet of ice this morning and nobody has gritted it. I saw an older man fall by the bakery.",
        None,
        "winter",
    ),
    (
        "traffic",
        "Cars ignore the zebra crossing on {place}",
        "Drivers do not stop at the zebra crossing on {place}, even for children. A speed table or a signal would make it safe.",
        None,
        None,
    ),
    (
        "public-transport",
        "Bus stop without shade on {place}",
        "The bus stop on {place} has no shelter at all. At noon in July you wait in 38 degrees with nowhere to stand.",
        None,
        "summer",
    ),
    (
        "air-quality",
        "Smog and diesel fumes around {place}",
        "On inversion days the air around {place} smells of diesel and my eyes burn. Buses idle here with their engines running.",
        None,
        "smog",
    ),
    (
        "parking",
        "Cars parked on the pavement at {place}",
        "Every evening cars are parked on the pavement at {place}, so people with prams and wheelchairs have to walk in the road.",
        None,
        None,
    ),
    (
        "flooding",
        "Underpass flooded after rain near {place}",
        "After twenty minutes of rain the pedestrian underpass near {place} was ankle-deep in water. The drain seems completely blocked.",
        None,
        "rain",
    ),
    (
        "green-space",
        "Broken swings in {place}",
        "Two swings in the children's play area of {place} have broken chains and the slide has a sharp edge.",
        "park",
        None,
    ),
    (
        "waste",
        "Litter along the pilgrims' route at {place}",
        "During the holidays the pavements around {place} are covered in plastic bottles and food boxes by the afternoon. More bins, please.",
        "haram",
        "pilgrims",
    ),
]

IDEAS_EN = [
    (
        "public-transport",
        "Airport to shrine shuttle with signs in English and Arabic",
        "Many foreign pilgrims arrive at Hasheminejad airport and do not know how to reach the shrine. A clearly signed shuttle bus with a timetable in English and Arabic would help them and cut taxi queues.",
        "pilgrims",
    ),
    (
        "traffic",
        "Bike lanes around Ferdowsi University",
        "Students would happily cycle between the dorms and the campus if there were protected bike lanes on Azadi Square and Vakilabad Boulevard.",
        None,
    ),
    (
        "green-space",
        "A map of drinking fountains for visitors",
        "Publish a simple map, online and on boards near the shrine, showing where the drinking fountains and public toilets are. Visitors in summer keep asking.",
        "summer",
    ),
    (
        "traffic",
        "Car-free evenings on Imam Reza Street",
        "Close part of Imam Reza Street to cars on Friday evenings so pilgrims and families can walk to the shrine safely.",
        None,
    ),
    (
        "public-transport",
        "Live bus arrival times in English in the app",
        "The bus app is only in Persian. An English option with live arrival times would help students and visitors.",
        None,
    ),
    (
        "waste",
        "Recycling points in Qasemabad",
        "Put a few recycling containers for paper, plastic and glass at the big supermarkets in Qasemabad; people already separate their waste at home.",
        None,
    ),
    (
        "community",
        "Weekend language café at the cultural centres",
        "Host a weekend language café where residents, foreign students and visitors practise Persian, English and Arabic together.",
        None,
    ),
]

COMMENTS_EN = [
    "Same here, I walk past it every morning.",
    "This has been going on for weeks now.",
    "Thanks for reporting it, I hope the city acts soon.",
    "I reported the same thing by phone last month.",
    "Great idea, I would use it every day.",
    "Please keep it simple and cheap, then it can happen quickly.",
]
