"""Companies: the profile, workplaces (P-numbers) and the people of a company.

profiles (profile and workplaces, with the P-number rules), staff (a company's active
employers: who is told what concerns it).
"""
