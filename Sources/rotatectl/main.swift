import RotationEngine
print("rotatectl")
