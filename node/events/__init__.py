"""Events: an initiative or organisation plans an activity (when, where, how many people fit);
residents of any village register, one registration per person; who has a seat and who waits
follows from the registrations wherever the document is read (docs/dialogue.md, Events)."""
