/**
 * Text the int8 check embeds with both the original and the quantized model. Dynamic
 * quantization sees no data, so any text is held out; these mix SN5-like short questions and
 * longer passages on unrelated topics (and some code and numbers) so a quantization error that
 * hurts one kind of input shows up in the minimum.
 */
export const HELD_OUT_TEXTS: readonly string[] = [
  'How do I reset a forgotten router password?',
  'What is the boiling point of water at high altitude?',
  'Why do cats purr when they are content?',
  'Which vitamins are soluble in fat?',
  'How long does it take light from the Sun to reach Earth?',
  'What causes the seasons on Earth?',
  'Best way to store fresh basil in the fridge',
  'Is it safe to run a lithium battery below freezing?',
  'Who wrote the first programmable computer algorithm?',
  'Symptoms of dehydration in older adults',
  'git rebase vs merge: which keeps history cleaner?',
  'Convert 72 degrees Fahrenheit to Celsius',
  'What does a central bank do when inflation rises?',
  'How many bones are in the adult human hand?',
  'Translate "good morning" into Portuguese',
  'Why is the sky blue during the day and red at sunset?',
  'Photosynthesis converts light energy into chemical energy stored in glucose; chlorophyll in the chloroplasts absorbs mostly blue and red light, which is why leaves look green.',
  'The 1906 San Francisco earthquake ruptured about 477 kilometres of the San Andreas Fault and the fires that followed destroyed roughly 80 percent of the city.',
  'To make a sourdough starter, mix equal weights of flour and water, keep it warm, discard half and feed it daily until it doubles within six hours of feeding.',
  'In Python, a list comprehension such as [x * x for x in range(10) if x % 2 == 0] builds a new list of the squares of the even numbers below ten.',
  'The mitochondrion produces most of the cell\'s supply of adenosine triphosphate, which the cell uses as a source of chemical energy.',
  'Interest on a fixed-rate mortgage is front-loaded: in the early years most of each monthly payment pays interest, and the share that reduces the principal grows over time.',
  'Marathon runners "hit the wall" when their glycogen stores run out, usually around kilometre 30, and the body must rely more heavily on fat, which releases energy more slowly.',
  'The Treaty of Westphalia in 1648 ended the Thirty Years\' War and is often cited as the origin of the modern principle of state sovereignty.',
  'A heat pump moves heat instead of generating it: in winter it extracts warmth from outside air or the ground and releases it indoors, often delivering three units of heat per unit of electricity.',
  'SELECT name, COUNT(*) FROM orders JOIN customers ON orders.customer_id = customers.id GROUP BY name ORDER BY 2 DESC LIMIT 10;',
  'Octopuses have three hearts and blue blood; two hearts pump blood to the gills while the third pumps it to the rest of the body.',
  'Jazz emerged in New Orleans in the early twentieth century, combining blues, ragtime and brass-band marches with improvisation and syncopated rhythms.',
  'Regular expressions match patterns in text: ^\\d{3}-\\d{4}$ matches a line consisting of three digits, a hyphen and four digits.',
  'Glaciers form where snow accumulates faster than it melts; over decades the snow compacts into firn and then into dense glacial ice that flows under its own weight.',
  'The quarterly report shows revenue of 4.2 million euros, up 12 percent year on year, while operating costs rose 7 percent because of higher energy prices.',
  'Bees communicate the direction and distance of flowers with a waggle dance; the angle of the dance relative to vertical encodes the direction relative to the sun.',
  'Kubernetes schedules containers onto nodes, restarts them when they fail, and scales deployments up or down according to the resource usage it observes.',
  'Vaccines train the immune system by presenting a harmless piece or form of a pathogen so that memory cells can respond quickly to a real infection later.',
  'Le château se trouve au sommet de la colline et domine la vallée depuis le douzième siècle.',
  'Die Bahn fährt heute wegen Bauarbeiten zwischen den beiden Städten nur stündlich.',
]
