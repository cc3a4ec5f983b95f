"""Adapters to devices and engines: microphone, playback, WAV files, tones, Vosk recognition,
pyttsx3 speech, the settings file, the transcript log, and the model store and installer.

They may use the core; they never use the app.
"""
