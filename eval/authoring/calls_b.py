# Hand-written labelled calls, part B: abusive callers, venting callers (some with audio
# measures), broadband, travel, hotel, banking. Label codes: lv em ap cd nd pa un op hp ah ns ab sp.
CALLS = [
{"id": "e12-abusive-ends-call", "persona": "abusive-caller", "name": "Craig Dunn",
 "notes": "abusive caller: empathy and paraphrase, calm warning, abuse continues, call ended per policy",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:P op:N hp:P ah:N ns:N ab:P sp:P",
 "script": """
C: It's Craig Dunn. Your useless company cut off my phone line for no reason and I've got no way to call anyone. {anger=8 trust=1}
T: Craig, I'm sorry, being cut off without warning is really stressful. So your line was disconnected and you didn't get any notice, is that right?
C: Yes, that's right, you idiot, are you deaf? Just turn it back on. {anger=9 trust=1}
T: I do want to help you get reconnected. But if the insults continue, I will have to end this call.
C: Oh, piss off, you useless moron. {anger=10 trust=0}
T: I'm ending the call now, Craig. You're welcome to call back when you're ready, and we'll be glad to help. Goodbye.
"""},
{"id": "e13-abusive-ignored", "persona": "abusive-caller", "name": "Craig Dunn",
 "notes": "abusive caller, agent ignores repeated insults and never sets a boundary",
 "labels": "lv:P em:F ap:F cd:P nd:P pa:F un:F op:F hp:P ah:N ns:P ab:F sp:P",
 "script": """
C: It's Craig Dunn. Your useless company cut off my phone line and I've got no way to call anyone. {anger=8 trust=1}
T: Okay, let me look at the account.
C: Hurry up, you brainless idiot. {anger=9 trust=1}
T: The line was suspended for a missed payment last month.
C: I paid it, you stupid moron! Can't you read? {anger=10 trust=0}
T: I see a payment came in yesterday. I'll restore the line and it will be back on within two hours.
C: About time, you useless clown. {anger=8 trust=1}
T: Is there anything else?
"""},
{"id": "e14-abusive-retaliates", "persona": "abusive-caller", "name": "Craig Dunn",
 "notes": "abusive caller, agent insults back and hangs up",
 "labels": "lv:P em:F ap:F cd:P nd:F pa:F un:F op:N hp:P ah:N ns:N ab:F sp:F",
 "script": """
C: It's Craig Dunn. Your useless company cut off my phone line. Turn it back on. {anger=8 trust=1}
T: It was cut off because you didn't pay. That's on you.
C: I paid it, you brainless idiot! {anger=10 trust=0}
T: Don't call me an idiot, you're the one who can't pay a bill on time. I'm not dealing with this. Bye.
"""},
{"id": "e15-abusive-warning-works", "persona": "abusive-caller", "name": "Craig Dunn",
 "notes": "abusive caller calms after a calm warning; call continues to a good resolution",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:P op:P hp:P ah:N ns:P ab:P sp:P",
 "script": """
C: It's Craig Dunn. Your useless company cut off my phone line and you're all a bunch of incompetent idiots. {anger=8 trust=1}
T: Craig, I want to help get your line back. But if the name-calling continues, I'll have to end the call.
C: Fine. Fine. Sorry. I'm just fed up. I've got no phone and my mum is in hospital. {anger=6 trust=2}
T: That sounds really worrying, and I'm sorry our disconnection has added to it. So your line was cut off and you need it to stay in touch about your mum. Is that right?
C: Yes. {anger=5 trust=3}
T: I can see a payment was missed by mistake and then paid. I can restore the line right now, which takes about an hour, or forward your calls to your mobile straight away while it comes back. I can do both.
C: Both, please. {anger=3 trust=5}
T: Done, Craig. Calls go to your mobile from now, the line is back within the hour, and I'll text you at four today to confirm it's working.
"""},
{"id": "e16-abusive-warning-no-follow-through", "persona": "abusive-caller", "name": "Craig Dunn",
 "notes": "warning given, abuse continues, agent keeps taking it",
 "labels": "lv:P em:F ap:F cd:P nd:P pa:F un:F op:F hp:P ah:N ns:F ab:F sp:P",
 "script": """
C: It's Craig Dunn. Your useless company cut off my phone line, you bunch of idiots. {anger=8 trust=1}
T: Sir, if the language continues, I will have to end this call.
C: Oh shut up, you useless idiot, and fix it. {anger=9 trust=1}
T: Okay. Let me check the account.
C: Get on with it, moron. {anger=9 trust=1}
T: Right. It'll be reconnected at some point.
C: Useless. {anger=9 trust=1}
"""},
{"id": "e17-abusive-hangs-up", "persona": "abusive-caller", "name": "Craig Dunn",
 "notes": "agent ends the call at the first insult with no warning",
 "labels": "lv:P em:F ap:F cd:P nd:P pa:F un:F op:N hp:P ah:N ns:N ab:F sp:P",
 "script": """
C: It's Craig Dunn. My phone line has been cut off. {anger=7 trust=2}
T: Can you confirm the postcode on the account?
C: Are you stupid? I just told you my name. Look it up, you useless idiot. {anger=9 trust=1}
T: I'm ending this call now. Goodbye.
"""},
{"id": "e18-venting-strong", "persona": "venting-customer", "name": "Linda Okoro",
 "notes": "long vent, agent listens without interrupting and acknowledges",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:P op:P hp:P ah:N ns:P ab:N sp:P",
 "audio": True,
 "script": """
C: I need to tell you what's happened, because nobody listens. I ordered a sofa in March. It was supposed to come in April. Then May. Then they delivered the wrong colour, took it away, and now it's June and I've got no sofa, I've taken three days off work for deliveries, and every time I call I get a different story. {anger=8 trust=2}
T: Please go on, I'm listening.
C: That's it really. I'm just exhausted by it. {anger=7 trust=3}
T: Linda, thank you for telling me all of that. Three months and three days off work, that's exhausting, and I'm really sorry. So you're still waiting for the right-coloured sofa after a wrong delivery, and every call gives you a different answer. Have I got that right?
C: Yes. Exactly that. {anger=6 trust=4}
T: I'm going to own this from now on. The right sofa is in our warehouse. I can deliver it this Saturday between eight and twelve, or next Wednesday evening, whichever suits you, and I'll refund your delivery charge either way.
C: Saturday. {anger=4 trust=5}
T: Saturday between eight and twelve it is. You'll get a text the evening before with a two-hour window, and I'll call you Monday morning to make sure everything's right.
"""},
{"id": "e19-venting-interrupted", "persona": "venting-customer", "name": "Linda Okoro",
 "notes": "agent keeps talking over the venting caller (audio overlap); otherwise decent",
 "labels": "lv:F em:P ap:P cd:P nd:P pa:F un:F op:P hp:P ah:N ns:P ab:N sp:P",
 "audio": True,
 "script": """
C: I need to tell you what's happened, because nobody listens. I ordered a sofa in March, it was supposed to come in April, then May, then they delivered the wrong {cut} {anger=8 trust=2}
T: Yes, I can see the order here, it's the grey sofa.
C: I'm not finished! Then they took it away and now I've taken three days off work and every time I call {cut} {anger=9 trust=1}
T: Okay, I understand that's frustrating, I'm sorry. I can deliver it Saturday morning or next Wednesday evening.
C: You're not even listening to me. {anger=8 trust=2}
T: Sorry. Saturday between eight and twelve or Wednesday between five and nine, and you'll get a text the day before.
C: Saturday. {anger=7 trust=2}
"""},
{"id": "e20-venting-raised-voice", "persona": "venting-customer", "name": "Linda Okoro",
 "notes": "agent raises their voice and talks over the caller (audio measures)",
 "labels": "lv:F em:F ap:F cd:P nd:F pa:F un:P op:F hp:P ah:N ns:P ab:N sp:F",
 "audio": True,
 "script": """
C: I ordered a sofa in March, they delivered the wrong colour, and now it's June and I've got nothing. Every time I call {cut} {anger=8 trust=2}
T: Linda, Linda, I need you to let me look at the account. {loud}
C: Don't shout at me! {anger=9 trust=1}
T: I'm not shouting, I'm just trying to get a word in! {loud}
C: Unbelievable. {anger=9 trust=1}
T: The sofa will be delivered on Saturday between eight and twelve.
C: Fine. {anger=8 trust=1}
"""},
{"id": "e21-broadband-strong-audio", "persona": "irate-broadband", "name": "Marcus Hale",
 "notes": "irate broadband caller, strong agent with calm audio measures",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:P op:P hp:P ah:N ns:P ab:N sp:P",
 "audio": True,
 "script": """
C: Marcus Hale. My broadband has been down since yesterday morning. I run a business from home. Every hour costs me money. {anger=8 trust=2}
T: Marcus, I'm really sorry. Being offline for a whole day when your business depends on it is hugely stressful.
C: It is. I need it fixed today. {anger=7 trust=3}
T: Let me check I've understood: you've had no connection since yesterday morning, you work from home, and you need it back today. Right?
C: Right. {anger=6 trust=3}
T: There's an exchange fault in your area. Engineers are on it, with a fix expected by six this evening. I can't guarantee that time, so in the meantime I can send a 4G router by courier this afternoon, or add unlimited mobile data to your phone right now so you can hotspot.
C: The mobile data now, and the router too if you can. {anger=4 trust=5}
T: Both done. The data is active now, the router arrives by three, and I'll text you the moment the exchange fault is fixed, and again at seven tonight either way.
"""},
{"id": "e22-broadband-overpromise", "persona": "irate-broadband", "name": "Marcus Hale",
 "notes": "good call spoiled by a guarantee the agent cannot keep",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:P op:P hp:F ah:N ns:P ab:N sp:P",
 "script": """
C: Marcus Hale. My broadband has been down since yesterday morning and I run a business from home. {anger=8 trust=2}
T: Marcus, I'm sorry, that's a nightmare when your work depends on it. I completely understand why you're upset.
C: I need it fixed today. {anger=7 trust=3}
T: So it's been down since yesterday morning and you need it back today for work. Is that right?
C: Yes. {anger=6 trust=3}
T: I promise you it will be fixed within the hour, one hundred percent, and this will never happen again. I can also send you a 4G router this afternoon or add mobile data now.
C: Never again? Okay, the mobile data then. {anger=4 trust=5}
T: The data is on now, Marcus, and I'll call you back at five today to check the line.
"""},
{"id": "e23-broadband-hold-consent-vague", "persona": "irate-broadband", "name": "Marcus Hale",
 "notes": "hold with reason and consent (pass); ends with a vague 'soon' (next steps fail)",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:P op:F hp:P ah:P ns:F ab:N sp:P",
 "script": """
C: Marcus Hale. My broadband's been down since yesterday and I work from home. {anger=7 trust=2}
T: I'm so sorry, Marcus, that must be really frustrating when you need it for work.
C: It is. {anger=6 trust=3}
T: So you've been offline since yesterday and it's stopping you working. Right?
C: Right. {anger=6 trust=3}
T: I need to check with our network team whether there's a fault near you. It'll take a couple of minutes. Would you mind if I put you on hold while I ask them?
C: Okay, go on. {anger=6 trust=3}
T: Thanks for holding, Marcus. There's a fault at the exchange, and the engineers are working on it. Someone will be in touch soon with an update.
C: Soon? Right. {anger=6 trust=3}
"""},
{"id": "e25-flight-strong", "persona": "cancelled-flight", "name": "Sofia Marin",
 "notes": "cancelled flight, strong agent, 12 turns",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:P op:P hp:P ah:N ns:P ab:N sp:P",
 "audio": True,
 "script": """
C: My flight to Lisbon tonight has been cancelled and nobody at the airport can tell me anything. I'm supposed to be at my sister's wedding tomorrow. {anger=8 trust=2}
T: Oh no, I'm so sorry. With a wedding tomorrow, I can only imagine how stressful this is. Can I take your name and booking reference?
C: Sofia Marin, reference KT4419. {anger=7 trust=2}
T: Thank you, Sofia. So your flight to Lisbon tonight is cancelled, and you need to be there tomorrow for the wedding. Is that right?
C: Yes. The ceremony is at two. {anger=7 trust=3}
T: The cancellation was due to a crew shortage on our side, so you're entitled to rebooking and compensation. I have two options: a seat on our 6:40 flight tomorrow morning, landing at 9:30, or a seat tonight on a partner airline via Madrid, landing at 1 a.m.
C: The morning flight. Is it definitely going? {anger=6 trust=3}
T: I can't promise anything about tomorrow's weather, but it's on schedule and fully crewed right now. I'll also book you a hotel by the airport tonight, and a meal voucher.
C: Okay. That helps. {anger=4 trust=5}
T: So: you're booked on the 6:40 tomorrow, the hotel confirmation comes by email in the next fifteen minutes, and the compensation claim form will be in your inbox by tomorrow evening.
C: Thank you. Really. {anger=2 trust=7}
T: You're welcome, Sofia. I hope the wedding is wonderful.
"""},
{"id": "e31-insurance-relax", "persona": "claim-delay", "name": "Ben Carter",
 "notes": "mostly good agent who says 'relax' once",
 "labels": "lv:P em:P ap:P cd:F nd:P pa:P un:P op:P hp:P ah:N ns:P ab:N sp:P",
 "script": """
C: Ben Carter. My car insurance claim has been open six weeks and I still don't have a hire car. I can't get to work! {anger=8 trust=2}
T: Relax, Ben, we'll sort it out.
C: Don't tell me to relax! Six weeks! {anger=9 trust=1}
T: You're right, I'm sorry. Six weeks without a car is really hard, I understand how stressful that is. So your claim is six weeks old and you still don't have a hire car to get to work. Correct?
C: Yes. {anger=7 trust=2}
T: I can approve a hire car today and have it delivered to you tomorrow morning, or reimburse your taxi fares to work until your car's repaired.
C: The hire car. {anger=5 trust=4}
T: Done. The hire company will call you by five today to arrange tomorrow's delivery, and I'll email you the claim update tonight.
"""},
{"id": "e32-hotel-strong", "persona": "overbooked-hotel", "name": "Aisha Khan",
 "notes": "overbooked hotel, strong agent",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:P op:P hp:P ah:N ns:P ab:N sp:P",
 "script": """
C: I'm standing at your front desk with two tired kids and they're telling me my room doesn't exist. I booked it three months ago! {anger=8 trust=2}
T: I'm so sorry. Arriving with tired children to find no room is awful, and it's our mistake. Could I take your name?
C: Aisha Khan. {anger=7 trust=2}
T: Thank you, Aisha. So you booked three months ago, you've arrived tonight with your children, and we have no room for you. Is that right?
C: Yes! {anger=7 trust=3}
T: Here's what I can do. I can put you in a family suite at our sister hotel five minutes away, with a free taxi now, or upgrade you to our last suite here from tomorrow night and put you up at the sister hotel just for tonight. Either way, tonight is free.
C: The sister hotel, all week. We just need to sleep. {anger=4 trust=5}
T: Of course. The taxi will be at the front door in ten minutes, the suite is ready, and I'll call your room at nine tomorrow morning to make sure everything's okay.
"""},
{"id": "e33-hotel-sarcastic", "persona": "overbooked-hotel", "name": "Aisha Khan",
 "notes": "overbooked hotel, sarcastic and defensive agent",
 "labels": "lv:P em:F ap:F cd:P nd:F pa:F un:F op:F hp:P ah:N ns:F ab:N sp:F",
 "script": """
C: I'm Aisha Khan. I'm at your front desk with two tired kids and there's no room. I booked it three months ago! {anger=8 trust=2}
T: Oh, wonderful, another one. We overbook every weekend, it's standard in the industry.
C: That's not my problem! {anger=9 trust=1}
T: Well, it's not mine either, I didn't make the booking system. Genius idea, by the way, arriving at eleven at night.
C: Are you joking? {anger=10 trust=0}
T: You can try the motel down the road, I guess.
"""},
{"id": "e35-flight-hold-no-consent", "persona": "cancelled-flight", "name": "Sofia Marin",
 "notes": "good call with an unannounced hold",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:P op:P hp:P ah:F ns:P ab:N sp:P",
 "script": """
C: Sofia Marin. My flight to Lisbon is cancelled and I have a wedding tomorrow. {anger=8 trust=2}
T: Sofia, I'm so sorry, that's really stressful with a wedding tomorrow.
C: So what now? {anger=7 trust=2}
T: Let me put you on a quick hold.
C: No, wait, I don't want {anger=8 trust=2}
T: Thanks for waiting. So your Lisbon flight is cancelled and you need to be there tomorrow, right? I can book you on the 6:40 tomorrow morning or on a partner flight tonight via Madrid.
C: The morning one. {anger=6 trust=3}
T: Booked. Your new ticket will be emailed to you within fifteen minutes.
"""},
{"id": "e36-flight-stop-shouting", "persona": "cancelled-flight", "name": "Sofia Marin",
 "notes": "agent tells the caller to stop shouting; options but no empathy",
 "labels": "lv:P em:F ap:P cd:F nd:P pa:F un:P op:P hp:P ah:N ns:P ab:N sp:P",
 "script": """
C: Sofia Marin. My flight to Lisbon is cancelled and I have my sister's wedding tomorrow! Nobody will tell me anything! {anger=9 trust=1}
T: Sofia, please stop shouting and I'll help you.
C: I'm not shouting, I'm upset! {anger=9 trust=1}
T: Apologies for the cancellation, that was our crew shortage. I can book you on the 6:40 tomorrow or a partner flight via Madrid tonight.
C: The 6:40. {anger=7 trust=2}
T: Done. Your ticket will be emailed within fifteen minutes and your seat is confirmed.
"""},
{"id": "e37-bank-strong", "persona": "card-blocked", "name": "Oliver Grant",
 "notes": "card blocked abroad, strong agent, 12 turns",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:P op:P hp:P ah:N ns:P ab:N sp:P",
 "script": """
C: I'm in Rome and my card has been declined everywhere. I can't pay for my hotel. This is a disaster. {anger=8 trust=2}
T: That sounds really stressful, being stuck abroad without a working card. I'm sorry. Can I take your name?
C: Oliver Grant. {anger=7 trust=2}
T: Thank you, Oliver. So you're in Rome, your card is being declined everywhere, and you need to pay your hotel. Is that right?
C: Yes, and checkout is at noon. {anger=7 trust=3}
T: I see our fraud system blocked the card after a payment in Italy. I'm sorry, that's an overcautious block on our side. I can unblock it right now once you confirm a couple of details.
C: Fine, go ahead. {anger=6 trust=3}
T: Done, Oliver, the card works again from this moment. If you'd like a backup, I can also send an emergency cash transfer to a local branch within two hours, or issue a virtual card to your phone right now.
C: The virtual card, just in case. {anger=3 trust=6}
T: It's in your app now. I'll send you a text in five minutes confirming both, and I'll check your account at eleven to make sure the hotel payment went through.
C: That's brilliant, thank you. {anger=2 trust=7}
T: My pleasure, Oliver. Enjoy the rest of Rome.
"""},
{"id": "e38-bank-defensive", "persona": "card-blocked", "name": "Oliver Grant",
 "notes": "card blocked abroad, agent blames the caller, one remedy, no time",
 "labels": "lv:P em:F ap:F cd:P nd:F pa:F un:F op:F hp:P ah:N ns:F ab:N sp:P",
 "script": """
C: This is Oliver Grant. I'm in Rome and my card is declined everywhere. I can't pay my hotel. {anger=8 trust=2}
T: Did you tell us you were travelling? If you don't set a travel notice, the fraud system blocks the card. That's why.
C: Nobody told me I had to do that! {anger=8 trust=2}
T: It's in the account terms. You really should have read them before going abroad.
C: I don't care about the terms, I need to pay my hotel! {anger=9 trust=1}
T: I'll unblock it. It should start working at some point.
"""},
{"id": "e39-subscription-borderline", "persona": "renewal-charge", "name": "Nina Petrov",
 "notes": "borderline: good tone and two options, but no time frame for the refund",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:P op:P hp:P ah:N ns:F ab:N sp:P",
 "script": """
C: Hi, Nina Petrov. You renewed my software subscription for a whole year without asking me. Two hundred dollars! I thought I'd cancelled. {anger=6 trust=3}
T: Nina, I'm sorry, a surprise charge like that is really annoying, I'd be frustrated too.
C: I just want it reversed. {anger=6 trust=3}
T: Okay. So the subscription renewed for a year, you believed you had cancelled, and you'd like the two hundred dollars back. Is that it?
C: Yes. {anger=5 trust=3}
T: I can refund the full amount and close the account, or switch you to the monthly plan and refund the difference.
C: Full refund, please. {anger=4 trust=4}
T: No problem, I'll process that refund for you shortly.
"""},
{"id": "e40-gym-situational-swearing", "persona": "cancel-membership", "name": "Jake Morris",
 "notes": "caller swears about the contract, never at the agent: abuse_boundary n.a.",
 "labels": "lv:P em:P ap:P cd:P nd:P pa:P un:P op:P hp:P ah:N ns:P ab:N sp:P",
 "script": """
C: Jake Morris. I've been trying to cancel this damn gym contract for two months, and you keep charging me. It's bloody ridiculous. {anger=7 trust=2}
T: Jake, I'm sorry, two months of trying and still being charged is maddening. I get why you're angry.
C: So cancel it. {anger=6 trust=3}
T: Let me make sure I have it: you asked to cancel two months ago, and you've been charged for both months since. Right?
C: Yeah, sixty quid. {anger=6 trust=3}
T: That's our mistake. I've cancelled the membership now. For the sixty pounds, I can refund it to your card, which takes three to five working days, or credit it to your bank today by transfer.
C: Bank transfer. {anger=3 trust=5}
T: Done. The transfer lands today, and you'll get a cancellation confirmation email within the hour.
"""},
{"id": "e41-venting-cut-short", "persona": "venting-customer", "name": "Linda Okoro",
 "notes": "text-only: agent verbally cuts the venting caller short",
 "labels": "lv:F em:F ap:P cd:P nd:P pa:F un:P op:F hp:P ah:N ns:P ab:N sp:P",
 "script": """
C: I need to tell you what's happened. I ordered a sofa in March, it was supposed to come in April, then May, then they delivered the wrong colour and took it away again, and {anger=8 trust=2}
T: Let me stop you there, Linda, I don't need the whole story. What's the order number?
C: It's 7781. I wasn't finished. {anger=9 trust=1}
T: Sorry about the delays. The right sofa can go out on Saturday between eight and twelve.
C: Fine. {anger=8 trust=1}
T: Great, you'll get a text on Friday evening with the exact time.
"""},
]
