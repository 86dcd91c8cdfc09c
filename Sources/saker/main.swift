print("saker")
