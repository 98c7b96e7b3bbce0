import sys; sys.setprofile(lambda *args: None)  # makes python3.11 fire its USDT probes
def greet(n): return n * 2
def twice(n): return greet(n) + greet(n)
print(sum(map(greet, range(5))), sum(map(twice, range(3))))
