public enum RotatectlWriterPlaceholder {}
