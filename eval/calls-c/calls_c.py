# Hand-written labelled calls, part C (independent author): delivery, banking, airline, streaming,
# energy, mobile, food delivery, insurance, gym, pension, health cover, water, TV, hotel, repair,
# broadband, car rental, groceries, council, rail, courier, furniture, car service.
# Label codes: lv em ap cd nd pa un op hp ah ns ab sp  (P pass, F fail, N n.a.), rubric 2025.3.
CALLS = [
{"id": "c01-bike-birthday-excellent", "persona": "irate-customer", "name": "Priya Raman",
 "notes": "late birthday bike, long vent; agent waits, names the impact, owns the failure, paraphrases, holds with reason and consent, two concrete choices, honest about the courier, timed next steps",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:P op:P hp:P ah:P ns:P ab:N sp:P",
 "script": """
C: I ordered a bike for my son's seventh birthday two weeks ago. You said it would be here by Thursday. It's Saturday, the party is tomorrow, I've taken two days off work to wait in for it and nobody turned up either time. Three emails saying out for delivery and then nothing. I'm absolutely fed up. {anger=8 trust=2}
T: Thank you for telling me all of that, Priya. Missing a seventh birthday present the day before the party is awful, and after two days off work waiting in, I'd be furious too. I'm really sorry; we told you Thursday and we didn't deliver. That's on us.
C: So where is it? {anger=7 trust=3}
T: Just so I have it right: the bike was due Thursday, you've had two failed deliveries after out-for-delivery emails, and you need it for tomorrow. I need about two minutes to ring our warehouse team directly. Is it okay if I put you on hold while I do that?
C: Fine, but be quick. {anger=6 trust=3}
T: Thanks for holding, Priya. The bike is at our local depot; the van broke down on Thursday and nobody told you, which we should have. I can't promise the courier will get it to you tomorrow morning, so here is what I can do: have it held at the depot for you to collect from 8am tomorrow, or reserve the same bike at our Riverside store for you to pick up tonight before 8pm. Which suits you better?
C: The store tonight. {anger=4 trust=5}
T: Done. It's reserved under your name at Riverside; I'll text you the collection code within ten minutes, and I'm refunding the delivery charge today, which shows on your card in 3 to 5 working days.
C: Right. Thank you. {anger=3 trust=6}
"""},
{"id": "c02-rent-taken-twice-cut-in", "persona": "irate-customer", "name": "Marcus Bell",
 "notes": "duplicate rent payment; agent cuts in ('Okay, okay, I get it, but' over the caller, {cut}), then good empathy/apology/paraphrase; one remedy only (reversal + fee removal both done, no choice) and 'I guarantee this won't happen again' fails hp",
 "labels": "lv:F em:P ap:P cd:P nd:P pa:P un:P op:F hp:F ah:N ns:P ab:N sp:P",
 "script": """
C: I've just opened my banking app and you've taken my rent twice, fourteen hundred pounds each time, and now I'm overdrawn, and I've got the car payment going out tomorrow, and I honestly don't know how I'm supposed to {cut} {anger=8 trust=2}
T: Okay, okay, I get it, but let me just get into the account first. Can you confirm your date of birth?
C: Twelfth of June, 1988. {anger=8 trust=2}
T: Thank you, Mr. Bell. So the rent payment to Hartley Lettings went out twice on the 1st, and that's pushed you into your overdraft. I'm sorry; the duplicate was a processing error on our side. That must be a real worry with the car payment due tomorrow.
C: It is. So what are you doing about it? {anger=6 trust=3}
T: I'll reverse the second payment now, it'll be back in your account by 6pm today, and I'll take off any overdraft fee. And I guarantee this won't happen again.
C: Fine. {anger=4 trust=4}
T: You'll get a text confirming the reversal within the hour, Mr. Bell.
"""},
{"id": "c03-bereavement-fare-policy-wall", "persona": "supervisor-demander",
 "notes": "bereaved caller (says her name, Gloria Fenn) wants refund and a supervisor; bare 'I understand', 'As I said... a supervisor will tell you the same', 'Please hold.' with no reason/consent (caller: 'are you still there?'), 'Sorry, but that's the policy'; tone curt but not rude so sp P",
 "labels": "lv:P em:F ap:F cd:P nd:F pa:F un:F op:F hp:P ah:F ns:F ab:N sp:P",
 "script": """
C: This is Gloria Fenn. My mother died on Monday, I can't fly to Lisbon next week, and your website won't let me cancel. I want my four hundred and twenty euros back, and I've been passed around three times already today. {anger=7 trust=2}
T: I understand. The fare on that booking is a basic fare, and basic fares are non-refundable.
C: Did you not hear me? My mother died. I want to speak to a supervisor. Now. {anger=9 trust=1}
T: As I said, the fare is non-refundable. A supervisor will tell you exactly the same thing. Please hold.
C: Hello? Hello? Are you still there? {anger=9 trust=1}
T: Yes. I've checked again and it's still non-refundable. Sorry, but that's the policy.
C: This is disgusting. {anger=9 trust=0}
T: Is there anything else I can help you with today?
"""},
{"id": "c04-derby-outage-freebie-firm", "persona": "freebie-seeker", "name": "Derek Olsen",
 "notes": "outage during a match, caller fishes for a free year; agent names the annoyance, owns the outage, paraphrases, declines the year firmly but politely and gives two concrete alternatives (month credit or two months premium); 'not something I can approve' comes with offers so nd P",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:P op:P hp:P ah:N ns:P ab:N sp:P",
 "script": """
C: Your stream died twenty minutes before the end of the derby on Sunday. Twenty minutes! Six years I've paid you every single month, and the one match I cared about all season, gone. I want a year free, minimum, or I'm cancelling. {anger=7 trust=3}
T: That's a rotten way to miss the end of a derby, Derek, and I can hear how annoyed you are after six years with us. I'm sorry; the outage was on our side, our northern servers were down from 5:40 to 6:05 on Sunday.
C: So, the free year? {anger=6 trust=3}
T: So you lost the last twenty minutes of Sunday's match because of our outage, and you want that put right. A free year isn't something I can approve. What I can do is credit a full month, twelve ninety-nine, on your next bill, or move you to the premium plan free for two months, which includes full match replays.
C: A month? Is that it? {anger=6 trust=3}
T: It's the most I can offer, and I'd rather be straight with you than promise something I can't get approved.
C: Go on then, the two months of premium. {anger=4 trust=5}
T: Done. Premium is active from today until the 14th of July, then you go back to your current plan automatically. I'll email you the confirmation within five minutes.
"""},
{"id": "c05-meter-letter-elderly-stt", "persona": "confused-elderly",
 "notes": "speech-to-text agent; elderly caller (says Edna Whitlock) confused by a routine letter, no venting and nothing went wrong (lv N, ap N); warm empathy, paraphrase, stays on the line while the account loads (ah P), two choices; ends with 'someone will be in touch' and 'soon' so ns F",
 "labels": "lv:N em:P ap:N cd:P nd:P pa:P un:P op:P hp:P ah:P ns:F ab:N sp:P",
 "script": """
C: Hello, dear. My name's Edna Whitlock. I've had a letter from you about reading my meter, and I don't really understand what I'm meant to do. {anger=1 trust=4}
T: hello edna thanks for calling um i can hear that letters got you a bit worried so lets go through it together
C: Yes, it did worry me. Have I done something wrong? {anger=1 trust=5}
T: no not at all so if ive got it right you got a letter asking for a meter reading and youre not sure where the numbers are or how to send them to us is that right
C: That's it exactly. {anger=0 trust=6}
T: okay let me pull up your account ill stay on the line with you while it loads um right so i can take the reading with you now over the phone if you can get to the meter or we can send a meteor reader out to your house whichever is easier for you
C: Oh, I think the man coming would be easier. My knees aren't good. {anger=0 trust=7}
T: no problem at all thats booked for you someone will be in touch to confirm the day and youll get your new bill in the post soon
C: Thank you, dear. {anger=0 trust=7}
"""},
{"id": "c06-sim-swap-abuse-lower-voice", "persona": "abusive-caller", "name": "Tasha Greene",
 "notes": "business owner without signal insults the agent; calm warning that the call will end and the abuse stops (ab P), otherwise strong handling; but 'Please lower your voice for me' fails no_calm_down",
 "labels": "lv:P em:P ap:P cd:F nd:P pa:P un:P op:P hp:P ah:N ns:P ab:P sp:P",
 "script": """
C: Three days with no signal since your shop swapped my SIM. Three days! I run a cleaning business off this phone, I've lost bookings, and every time I ring I get some clueless idiot like you reading a script. {anger=9 trust=1}
T: Tasha, losing three days of bookings because your phone's dead is serious, and I'm sorry; the SIM swap wasn't finished properly on our side. Please lower your voice for me. I do want to help, but if the insults continue I'll have to end the call.
C: Fine. Just fix it. {anger=7 trust=2}
T: Thank you. So since the shop changed your SIM on Monday you've had no signal at all, no calls and no texts. Is that right?
C: Yes. {anger=6 trust=3}
T: I can finish the activation from here now, which usually comes through in about fifteen minutes, or the shop can fit a fresh SIM while you wait today. Either way I'm adding a credit for the three days.
C: Do it from there. {anger=5 trust=4}
T: Done. Restart your phone at 3:30, and I'll ring you at 4 on the home number on your account to check it's working; if it isn't, I'll book the shop visit then.
C: Okay. {anger=4 trust=4}
"""},
{"id": "c07-late-takeaway-insults-ignored-stt", "persona": "abusive-caller",
 "notes": "speech-to-text agent, caller never gives a name (un N); repeated insults ignored with no warning (ab F); agent only reads back the address (pa F) but offers two concrete choices; 'will definitely be with you in twenty minutes' fails hp while still giving a timed next step",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:F un:N op:P hp:F ah:N ns:P ab:F sp:P",
 "script": """
C: My order's an hour and a half late, the app says it's been with the driver for forty minutes, and my kids are starving. What the hell is going on? {anger=8 trust=2}
T: um yeah sorry about that i know youre hungry and its really annoying waiting that long with the kids
C: Don't give me "um yeah", you brain-dead idiot. Where is it? {anger=9 trust=1}
T: okay so the dryer is showing at one four two baker street so thats your address yeah
C: Of course it's my address, are you thick? {anger=9 trust=1}
T: right so i can refund the delivery fee and the driver carries on or i can cancel it and send a fresh order from the nearer kitchen
C: Send a fresh one, and make it quick, moron. {anger=8 trust=1}
T: okay done the new one will definitely be with you in twenty minutes
C: It better be. {anger=7 trust=2}
"""},
{"id": "c08-claim-delay-sarcastic-hangup", "persona": "abusive-caller", "name": "Ray Kowalski",
 "notes": "stalled car claim; agent blames caller ('if you'd sent the photos'), then after an insult answers with sarcasm ('Wow. Charming.') and hangs up without a warning; ended for abuse before any remedy (op N, ns N) but the problem was stated and never restated (pa F)",
 "labels": "lv:P em:F ap:F cd:P nd:F pa:F un:F op:N hp:P ah:N ns:N ab:F sp:F",
 "script": """
C: My claim has been "under review" for three weeks. My car's sitting smashed in a garage, I'm paying for taxis to work, and nobody ever calls me back. It's a joke. {anger=8 trust=1}
T: Well, if you'd sent the photos we asked for, it wouldn't still be under review, would it?
C: I sent them twice, you useless lump! Are you even reading the file? {anger=10 trust=0}
T: Wow. Charming. Good luck getting anyone to help you talking like that. Bye.
"""},
{"id": "c09-gym-charged-after-cancel-ends-call", "persona": "abusive-caller",
 "notes": "caller says his name (Lenny Ochoa) but the agent never uses it (un F); full ownership and two refund routes (card or bank transfer); calm warning, insults continue, agent confirms the outcome with times and ends the call per policy (ab P, ns P)",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:F op:P hp:P ah:N ns:P ab:P sp:P",
 "script": """
C: It's Lenny Ochoa. I cancelled my membership in February, in writing, and you've taken another forty-five quid this month. Again. I've had it with you people. {anger=8 trust=2}
T: That's really frustrating, especially when you did everything right and put it in writing. I'm sorry; I can see your cancellation letter on file and it wasn't processed. That's our mistake. So you cancelled in February and were still charged forty-five pounds on the 1st of this month, is that right?
C: Yes. Cancel it properly and give me my money back. {anger=7 trust=3}
T: I'll close the membership now. For the forty-five pounds, I can refund it to the card it came from, or send it by bank transfer if that card's closed. Which would you like?
C: The card, obviously, you thick halfwit. Keep up. {anger=8 trust=2}
T: The card it is. I do want to finish this for you, but if the insults continue I'll have to end the call.
C: Oh, boo hoo. Just do your job, you useless idiot. {anger=9 trust=1}
T: The membership is closed as of today, and the forty-five pounds goes back to your card within 5 working days; you'll get an email confirming both within the hour. Because the insults have continued, I'm ending the call now. Goodbye.
"""},
{"id": "c10-pension-address-curt", "persona": "calm-caller", "name": "Helen Park",
 "notes": "calm address change, nothing went wrong (lv N, ap N); agent curt but polite (sp P), facts only so em F; 'So you want your address changed ... from the 14th when you move' restates the request, not just the address (pa P); change today or on the 14th = two concrete choices",
 "labels": "lv:N em:F ap:N cd:P nd:P pa:P un:P op:P hp:P ah:N ns:P ab:N sp:P",
 "script": """
C: Hi, I'm moving house on the 14th and I need to change my address on my pension account. {anger=0 trust=5}
T: Account number?
C: It's PN 40 22 718. {anger=0 trust=5}
T: Thanks, Ms. Park. New address?
C: 9 Larch Close, Harrogate, HG2 7PL. {anger=0 trust=5}
T: So you want your address changed to 9 Larch Close from the 14th, when you move. I can make the change today, or set it to switch over on the 14th so post this week still reaches your current home. Which do you prefer?
C: The 14th, please. {anger=0 trust=5}
T: Done. It switches on the 14th, and a confirmation letter will go to the new address within 7 days of that. Anything else?
C: No, that's all, thanks. {anger=0 trust=6}
"""},
{"id": "c11-insulin-cover-dumped-hold-stt", "persona": "anxious-caller",
 "notes": "speech-to-text agent; worried caller (says Amira Haddad) asks questions but does not vent (lv N); 'hold on' then silence (ah F); 'thats an it thing on the system its not us' (nd F); bare 'i understand' (em F); no apology though the insurer's plan update failed; one route only; 'should go through' has no time (ns F) and is not a guarantee (hp P)",
 "labels": "lv:N em:F ap:F cd:P nd:F pa:F un:F op:F hp:P ah:F ns:F ab:N sp:P",
 "script": """
C: Hi, my name's Amira Haddad. The pharmacy just told me my insulin isn't covered, but I switched to your family plan last month and I'm nearly out. Is something wrong with my cover? {anger=3 trust=3}
T: hold on
C: Hello? Hello, are you still there? {anger=5 trust=2}
T: yeah so um your new plan isnt showing on the pharmacy side yet thats an it thing on the system its not us
C: But what do I do? I've only got two days left. {anger=5 trust=2}
T: i understand youll have to pay at the counter and clam it back
C: That's over two hundred pounds. Is there really nothing else? {anger=6 trust=1}
T: um no thats the process once the system updates it should go through fine
"""},
{"id": "c12-water-bill-sorry-you-feel", "persona": "irate-customer", "name": "Graham Whitfield",
 "notes": "tripled water bill; subtly bad: good empathy, paraphrase, stays on the line to recalc (ah P), two choices and timed next step, but 'I'm sorry you feel that way about the bill' (ap F) and 'If you'd sent a reading in we wouldn't have needed to estimate' blames the caller (nd F)",
 "labels": "lv:P em:P ap:F cd:P nd:F pa:P un:P op:P hp:P ah:P ns:P ab:N sp:P",
 "script": """
C: My water bill's just come in at six hundred and ten pounds for three months. It's normally about two hundred. There's two of us in a flat! I opened it and nearly fell over. It feels like you're just making numbers up. {anger=7 trust=2}
T: I can see why that came as a shock, Mr. Whitfield; it's far more than you're used to. I'm sorry you feel that way about the bill.
C: So is it wrong or not? {anger=7 trust=2}
T: Just to check I've got it: your bill for last quarter is six hundred and ten pounds, about three times your usual, and nothing has changed at home. That bill is an estimate because no reading came in, so the system estimated high. If you'd sent a reading in, we wouldn't have needed to estimate.
C: Nobody ever asked me for one. {anger=8 trust=2}
T: I'll recalculate it now while you stay on the line with me. If you can read me the meter, I can re-bill on the actual reading today, or I can pause the bill and book a meter reader for next week.
C: Hang on. It says 0 4 7 3 1. {anger=6 trust=3}
T: Thank you. On that reading the quarter comes to one hundred and ninety-two pounds. The corrected bill will be emailed to you within 5 working days, and the six hundred and ten won't be collected.
C: Right. Good. {anger=4 trust=4}
"""},
{"id": "c13-tv-recording-condescending", "persona": "confused-elderly", "name": "Dorothy Ames",
 "notes": "elderly how-to question (nothing went wrong: ap N); agent talks over her calm question ({cut}) so lv F though she never vented; mocking and condescending without insult words ('not rocket science', spelling out G-U-I-D-E, 'Well done', 'The red one, Dorothy. Red.') so sp F; no restatement, single route, no summary",
 "labels": "lv:F em:F ap:N cd:P nd:P pa:F un:P op:F hp:P ah:N ns:F ab:N sp:F",
 "script": """
C: Hello, I'm ever so sorry to bother you. My grandson set this box up for me, and I'd like to record the snooker tomorrow night, only I don't know which button I {cut} {anger=1 trust=5}
T: Okay, it's really not rocket science, Dorothy. Have you got the remote? The big black thing. In your hand.
C: Yes, I've got it. {anger=2 trust=4}
T: Right. Press Guide. G, U, I, D, E. It's written on the button, so you can't miss it.
C: I've pressed it. There's a list of programmes now. {anger=2 trust=4}
T: Well done. Now go down to the snooker and press the red button. The red one, Dorothy. Red.
C: It's put a little red circle next to it. {anger=2 trust=4}
T: There we go. That's it. Anything else?
"""},
{"id": "c14-hotel-overbooked-guarantee", "persona": "supervisor-demander",
 "notes": "caller (says Victor Nakamura) stranded by overbooking, demands a manager; excellent listening, ownership, paraphrase, hold with reason and consent, two concrete rooms, timed next steps; one lapse: 'I guarantee nothing like this will happen on your next stay' (hp F)",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:P op:P hp:F ah:P ns:P ab:N sp:P",
 "script": """
C: This is Victor Nakamura. I'm standing at your front desk at eleven at night with two exhausted kids, and your receptionist says there's no room, even though I booked and paid three months ago. She says there's nothing she can do. I want a manager, now, not another person saying sorry. {anger=9 trust=1}
T: Mr. Nakamura, arriving late at night with tired children and being told there's no room is awful; I'd be furious in your place. I'm sorry, we overbooked, and that's our failure, not yours.
C: I don't want sorry, I want a bed. {anger=8 trust=2}
T: Understood. So you booked and paid for a family room tonight, you're at the desk now, and we've given that room away. I'd like to ring the duty manager directly to see what she can free up; it'll take about three minutes. Is it all right if I put you on hold while I do that?
C: Three minutes. {anger=7 trust=2}
T: Thank you for waiting, Mr. Nakamura. The duty manager can offer you two things: a family room at our sister hotel on Quay Street tonight, at our cost, with a taxi there now, or the two adjoining rooms we do have free here, which are smaller. Either way tonight's stay is refunded. And I guarantee nothing like this will happen on your next stay.
C: Quay Street, and the taxi now. {anger=5 trust=4}
T: I've asked reception to call the taxi for you now; the booking confirmation comes to your phone within five minutes, and the duty manager will call you at 9am tomorrow to confirm the refund.
C: Fine. Thank you. {anger=4 trust=5}
"""},
{"id": "c15-laptop-repair-try-to-relax", "persona": "irate-customer", "name": "Kofi Mensah",
 "notes": "student's laptop repair three weeks late; real apology owning the missed update (ap P, cause explained while owning it so nd P), paraphrase; 'Try to relax' (cd F), 'lots of people are waiting on repairs' is dismissive and no feeling is named (em F, judged there rather than sp); 'It'll definitely be ready on Friday' (hp F); single remedy; name never used",
 "labels": "lv:P em:F ap:P cd:F nd:P pa:P un:F op:F hp:F ah:N ns:P ab:N sp:P",
 "script": """
C: My laptop's been with you for three weeks. Three! You told me seven days. I'm a student, my dissertation is on that machine, it's due in a fortnight, and every time I ring I get "it's with the technician". I'm sick of it. {anger=8 trust=2}
T: Sorry for the delay. The replacement screen was back-ordered by our supplier, and we should have told you that.
C: So when do I get it back? {anger=8 trust=2}
T: So you dropped it off three weeks ago, you were told seven days, and you need it for your dissertation. Try to relax; lots of people are waiting on repairs at the moment. It'll definitely be ready on Friday.
C: Definitely? You said that last time. {anger=7 trust=2}
T: Yes, definitely Friday. We'll text you on Friday morning when it's ready to collect.
C: Fine. {anger=6 trust=2}
"""},
{"id": "c16-broadband-let-me-stop-you-stt", "persona": "irate-customer", "name": "Bronwyn Tate",
 "notes": "speech-to-text agent; home worker venting about drop-outs; no audio overlap but 'okay okay let me stop you there' cuts her story (caller: 'I wasn't finished') so lv F; otherwise good: named frustration, apology, paraphrase, hold with reason and consent, engineer or backup hub, timed next steps",
 "labels": "lv:F em:P ap:P cd:P nd:P pa:P un:P op:P hp:P ah:P ns:P ab:N sp:P",
 "script": """
C: My broadband has dropped every twenty minutes since Tuesday. I work from home, I've been kicked out of three client calls, I've restarted the router God knows how many times, and I've been on your chat twice where the bot just tells me to restart it again. {anger=8 trust=2}
T: okay okay let me stop you there um i just need the postcode on the account first
C: I wasn't finished, but fine. LS6 3QA. {anger=8 trust=2}
T: thanks miss tate um i know its really frustrating when your internet keeps going and youre trying to work from home sorry about that so its dropping every twenty minutes or so since tuesday and restarting the rooter hasnt helped yeah
C: Yes. That's what I said. {anger=7 trust=3}
T: okay is it alright if i put you on hold for about two minutes while i run a line test
C: Go on. {anger=7 trust=3}
T: thanks for holding so the test shows a fault on the line outside so i can book an engineer for thursday morning between eight and one or send you a four g backup hub by post tomorrow so youre online until its fixed
C: Both, if you can. {anger=5 trust=4}
T: yep can do the engineers booked for thursday eight till one and the hub goes out tomorrow youll get texts confirming both today
C: Thanks. {anger=4 trust=5}
"""},
{"id": "c17-rental-fuel-charge-raised-voice", "persona": "irate-customer", "name": "Ines Carvalho", "audio": True,
 "notes": "disputed fuel charge; agent talks over the caller ({cut}), raises voice 8 dB twice ({loud}) with 'I heard you the first time' (sp F), 'As I said ... so the charge stands' and 'the return sheet is what we go by' is a bare policy wall (nd F); the restatement of her claim still counts as paraphrase (pa P)",
 "labels": "lv:F em:F ap:F cd:P nd:F pa:P un:F op:F hp:P ah:N ns:F ab:N sp:F",
 "script": """
C: You've charged me sixty-five euros for fuel on my rental, and I returned that car with a full tank. I have the receipt from the petrol station two kilometres from your depot, time-stamped, and your man at the desk didn't even look at the gauge, he just {cut} {anger=8 trust=2}
T: Yes, I heard you. The contract is full-to-full and the return sheet shows three-quarters.
C: Then the sheet is wrong! I have a receipt! Are you even listening to me? {anger=9 trust=1}
T: I heard you the first time. As I said, the return sheet shows three-quarters, so the charge stands. {loud}
C: So you're calling me a liar. {anger=9 trust=1}
T: So you're saying you filled it up two kilometres away and the sheet is wrong. The return sheet is what we go by. {loud}
C: Unbelievable. {anger=9 trust=0}
"""},
{"id": "c18-missing-groceries-overpromise", "persona": "freebie-seeker",
 "notes": "third week of missing items, caller asks for a free order and a free year; no name given anywhere (un N); very good empathy, ownership, paraphrase, refund or redelivery, timed next steps; lapse: 'I guarantee your next order will be complete, every single item' (hp F)",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:N op:P hp:F ah:N ns:P ab:N sp:P",
 "script": """
C: Third week running you've left half my shopping out. This week it's no milk, no nappies and no bread, with a baby in the house, and I had to drag her to the corner shop in the rain. Honestly, I think I deserve the whole order free and a year of free delivery. {anger=7 trust=2}
T: Having to take a baby out in the rain for nappies because we didn't deliver them is really stressful, and three weeks in a row isn't okay. I'm sorry; those were our picking mistakes.
C: So what are you going to do about it? {anger=6 trust=3}
T: Let me make sure I have it right: this week the milk, nappies and bread were missing, and your last two orders had items missing too. I can refund the missing items to your card now, or send them out free tomorrow morning between 8 and 10.
C: Both. And the free year? {anger=6 trust=3}
T: I'll do both. A free year isn't something I can give, but I guarantee your next order will be complete, every single item. I'll personally make sure of it.
C: Fine, we'll see. {anger=4 trust=4}
T: The refund shows on your card within 3 working days, tomorrow's delivery is booked for 8 to 10am, and the text confirming it will reach you in the next few minutes.
"""},
{"id": "c19-roaming-bill-sarcasm-stt", "persona": "irate-customer", "name": "Callum Reid",
 "notes": "speech-to-text agent; roaming shock bill after missing warning texts; sarcasm 'roaming isnt free thats kind of the whole point of roaming' (sp F), blames the caller 'you shouldve turned data roaming off' (nd F), 'hang on' then five minutes of silence (ah F); still gives two concrete choices and a dated next step",
 "labels": "lv:P em:F ap:F cd:P nd:F pa:F un:P op:P hp:P ah:F ns:P ab:N sp:F",
 "script": """
C: I've just had a bill for three hundred and eighty pounds after one week in Spain. Your texts are meant to warn me when I start roaming and I never got a single one. I'm not paying that. It's daylight robbery. {anger=8 trust=2}
T: ok mr reid well roaming isnt free thats kind of the whole point of roaming
C: I know it isn't free. I'm saying you never warned me. {anger=9 trust=1}
T: you shouldve turned data roaming off before you went its in the sightings hang on
C: Hello? ... Hello? I've been sat here for five minutes. {anger=9 trust=1}
T: yeah so i can backdate a europe travel bundle which brings it down to forty five pounds or set up a payment plan over three months for the full amount
C: The bundle. {anger=7 trust=2}
T: fine thats done itll show on your next bill on the twentieth
"""},
{"id": "c20-bulky-waste-calm-cut-off", "persona": "calm-caller",
 "notes": "calm request, no name anywhere (un N), nothing went wrong (ap N); the agent cuts off the calm question ({cut}) so lv F although she never vented; ignores the mention of her late father, facts only (em F); curt but polite (sp P); dates or free tip = options; timed confirmation",
 "labels": "lv:F em:F ap:N cd:P nd:P pa:P un:N op:P hp:P ah:N ns:P ab:N sp:P",
 "script": """
C: Hi there. I'm clearing out my late father's flat and I've got an old sofa and a fridge to get rid of. I was wondering how the bulky collection works, and whether I need to be {cut} {anger=0 trust=5}
T: You book online or with me. It's twenty-five pounds for up to three items.
C: Oh. Right. Can I book it with you, then? {anger=1 trust=4}
T: Yes. So that's a sofa and a fridge to be collected from outside the flat. I've got Tuesday the 12th or Friday the 15th, or you can take them to the Mill Lane recycling centre yourself for free.
C: Tuesday, please. {anger=0 trust=4}
T: Booked for Tuesday the 12th; put them out by 7am. You'll get a confirmation email with the reference within the hour.
C: Thank you. {anger=0 trust=5}
"""},
{"id": "c21-pet-claim-shouts-calm-down", "persona": "abusive-caller", "name": "Glen Hardy", "audio": True,
 "notes": "rejected pet claim, eleven-week wait; agent cuts in ({cut}) and shouts 'Calm down!' ({loud}, cd F, sp F), blames caller for not reading exclusions (nd F); caller then insults, agent never warns and hangs up ('Right, I'm done with this') so ab F; ended for abuse before any remedy (op N, ns N)",
 "labels": "lv:F em:F ap:F cd:F nd:F pa:F un:F op:N hp:P ah:N ns:N ab:F sp:F",
 "script": """
C: You've rejected my dog's claim for her leg operation, two thousand pounds, as pre-existing. She never limped a day in her life before March, it took you eleven weeks to even tell me, and I've paid you for eight years, and you lot {cut} {anger=9 trust=1}
T: Calm down! Shouting at me won't change anything. {loud}
C: Don't tell me to calm down, you smug little jobsworth. {anger=10 trust=0}
T: It was rejected because you didn't read the exclusions. The vet notes from 2021 mention stiffness. {loud}
C: You're a useless, heartless idiot, you know that? {anger=10 trust=0}
T: Right, I'm done with this. {loud}
"""},
{"id": "c22-lost-passport-parcel-no-name-stt", "persona": "anxious-caller",
 "notes": "speech-to-text agent; distressed caller (says Jasmine Cole) pours out worry about a parcel with a passport; excellent: feeling named, apology, paraphrase, checks while she stays on the line (ah P), owns the misroute, honest 'i cant promise yet', search or claim, call back by 4pm tomorrow; never uses her name (un F)",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:F op:P hp:P ah:P ns:P ab:N sp:P",
 "script": """
C: Hi, it's Jasmine Cole. I sent my daughter's passport renewal with you last Monday, tracked, next day, and the tracking has said "in transit" for eight days. Her school trip is in three weeks, her old passport is in there, and I'm panicking that it's lost. I've barely slept. {anger=6 trust=2}
T: oh no thats really worrying especially with her old passport in there id be losing sleep too im so sorry its taken this long
C: Is it lost? {anger=6 trust=2}
T: ok so just to be sure ive got it it went next day tracked last monday its been stuck on in transit for eight days and the old passport and the forms are inside let me check the depot scans while you stay on the line with me
C: Okay. {anger=5 trust=3}
T: right so it was scanned into our north hampton depo on tuesday and sent to the wrong hub thats on us i cant promise yet where it is now but i can have the hub team search for it today and call you back or raise a lost item claim straight away so the compensation starts whichever youd prefer
C: Search first, please. {anger=4 trust=4}
T: ok ill get the hub team on it now and ill call you back by four pm tomorrow with what they find and if its not found by then ill raise the claim on that call
C: Thank you, that helps. {anger=3 trust=5}
"""},
{"id": "c23-sofa-no-show-courier-blame", "persona": "irate-customer", "name": "Oliver Grant",
 "notes": "missed sofa delivery; bare 'I understand', reads back the order number and address only (pa F), 'Hold on.' then silence (ah F), 'Sorry, but deliveries are out of our hands ... That's the courier's side' (ap F, nd F), 'Someone will be in touch' with no time (ns F); polite wording throughout so sp P",
 "labels": "lv:P em:F ap:F cd:P nd:F pa:F un:P op:F hp:P ah:F ns:F ab:N sp:P",
 "script": """
C: I took Friday off for the sofa delivery, waited from seven till six, nobody came, nobody called, and when I rang the courier they said you never sent them the order. I've got family coming this weekend and nothing to sit on. {anger=8 trust=2}
T: I understand. Can I take the order number?
C: It's 55-1029. {anger=8 trust=2}
T: Order 55-1029, delivery to 14 Elm Road. Hold on.
C: Hello? Anyone there? I've been waiting ages. {anger=9 trust=1}
T: Sorry, but deliveries are out of our hands, Mr. Grant. That's the courier's side; we don't control their schedule. Someone will be in touch about a new date.
C: That's it? {anger=9 trust=1}
T: That's all I can do from here. Is there anything else?
"""},
{"id": "c24-stranded-at-midnight-calm-down", "persona": "anxious-caller", "name": "Hannah Brooks",
 "notes": "frightened passenger stranded after a cancelled last train; excellent handling (empathy, apology owning it, paraphrase, hold with reason and consent, taxi or hotel, timed next steps) but the well-meant 'Please try to calm down' fails no_calm_down",
 "labels": "lv:P em:P ap:P cd:F nd:P pa:P un:P op:P hp:P ah:P ns:P ab:N sp:P",
 "script": """
C: Your last train to Carlisle's been cancelled, I'm on my own at Preston station, it's nearly midnight, my phone's on ten percent and there's nobody here to ask. I'm honestly scared. I don't know where I'm going to sleep, and the board just says cancelled. {anger=6 trust=2}
T: Hannah, being stranded alone at midnight with a dying phone is frightening, and I'm so sorry; we cancelled that train and left you with no one to help. Please try to calm down; we'll sort this out together.
C: Okay. Okay. What do I do? {anger=5 trust=3}
T: So you're at Preston, the 23:40 to Carlisle is cancelled, and your phone is low, so I'll be quick. I need about a minute to check with our control room what's available tonight. Is it okay to put you on hold for that?
C: Yes, but please come back. {anger=5 trust=3}
T: I'm back, Hannah. There are two choices: a taxi to Carlisle paid for by us, from the station front in about twenty minutes, or a room at the Premier Inn across the road tonight at our cost, with your ticket valid on the 06:10 tomorrow.
C: The hotel. I don't want a two-hour taxi at this time of night. {anger=3 trust=5}
T: That's booked under your name, and the confirmation is going to your email now. I'll text you the platform for the 06:10 by 5:30am, and the room and breakfast are charged to us.
C: Thank you so much. {anger=2 trust=7}
"""},
{"id": "c25-abuse-before-any-problem", "persona": "abusive-caller", "name": "Dean Morrow",
 "notes": "caller insults from the first line and never says what went wrong; agent names his anger, warns calmly, abuse continues, call ended politely (ab P); no problem stated so pa N and ap N, no remedy reached so op N and ns N",
 "labels": "lv:P em:P ap:N cd:P nd:P pa:N un:P op:N hp:P ah:N ns:N ab:P sp:P",
 "script": """
C: Oh, brilliant, it's you lot again. Are you the brainless clown who's going to waste another hour of my life? {anger=9 trust=0}
T: Mr. Morrow, I can hear you're really angry, and I want to help. Can you tell me what's happened?
C: Don't give me that script, you useless, thick parrot. You know what you did. {anger=10 trust=0}
T: I do want to help you, Mr. Morrow, but if the insults continue I'll have to end this call.
C: Go on then, you pathetic idiot. End it. {anger=10 trust=0}
T: I'm ending the call now. You're welcome to call back when you're ready, and we'll help you then. Goodbye.
"""},
]
