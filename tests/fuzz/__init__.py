"""Fuzzing: structure-aware mutations of the committed PDFs and text exports, and the campaign
that runs thousands of them through the command line beside the sample (``make fuzz``)."""
